namespace EnsembleGrpc.Router.Rollouts;

/// <summary>The outcome of an operator command: the rollout after it, or the error with a message for the operator.</summary>
public sealed record RolloutCommandResult(RolloutCommandError Error, string Message, RolloutView? View)
{
    public bool Succeeded => Error == RolloutCommandError.None;

    public static RolloutCommandResult Failed(RolloutCommandError error, string message) => new(error, message, null);
}
