namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// One arm's counts over the whole rollout as the router's evidence states them, with the guardrail metrics they
/// give; a rate without data is NaN (no data is not 0).
/// </summary>
public sealed record ArmCounts(long Requests, long Errors, long Fallbacks, long FeedbackRows, long FeedbackCorrect)
{
    public double Accuracy => FeedbackRows == 0 ? double.NaN : FeedbackCorrect / (double)FeedbackRows;

    public double ErrorRate => Requests == 0 ? double.NaN : Errors / (double)Requests;

    public double FallbackRate => Requests == 0 ? double.NaN : Fallbacks / (double)Requests;
}
