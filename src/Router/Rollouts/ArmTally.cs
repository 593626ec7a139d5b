namespace EnsembleGrpc.Router.Rollouts;

/// <summary>What one arm did within a window (a step, or the whole rollout): immutable, added up tick by tick.</summary>
public sealed record ArmTally(long Requests, long Errors, long Fallbacks, long FeedbackRows, long FeedbackCorrect)
{
    public static ArmTally Zero { get; } = new(0, 0, 0, 0, 0);

    public ArmTally Add(ArmTally other) => new(
        Requests + other.Requests,
        Errors + other.Errors,
        Fallbacks + other.Fallbacks,
        FeedbackRows + other.FeedbackRows,
        FeedbackCorrect + other.FeedbackCorrect);
}
