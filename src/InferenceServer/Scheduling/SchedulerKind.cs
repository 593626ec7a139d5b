namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>Which scheduler serves a model (Triton's default and dynamic-batching schedulers).</summary>
public enum SchedulerKind
{
    /// <summary>Coalesces queued requests into batches (the default).</summary>
    Dynamic,

    /// <summary>Runs every request as its own execution, in arrival order.</summary>
    Direct,
}
