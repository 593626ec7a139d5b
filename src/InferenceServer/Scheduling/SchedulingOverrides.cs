namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>The worker-wide scheduling settings from the command line, applied to every model it serves.</summary>
public sealed record SchedulingOverrides
{
    public SchedulerKind Kind { get; init; } = SchedulerKind.Dynamic;

    public int? MaxBatchSize { get; init; }

    public long? MaxQueueDelayUs { get; init; }

    public int? MaxQueueSize { get; init; }

    public int Concurrency { get; init; } = 2;
}
