namespace EnsembleGrpc.Router.Rollouts.Replicas;

/// <summary>
/// A shared store refused a write made on stale grounds: the writer's lease expired or was taken over, the rollout
/// took a decision since the writer read it, or its counts were consumed by someone else. Nothing was written; the
/// writer reloads and tries again on its next tick (or the operator repeats the command).
/// </summary>
public sealed class StaleWriteException : Exception
{
    public StaleWriteException()
    {
    }

    public StaleWriteException(string message)
        : base(message)
    {
    }

    public StaleWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
