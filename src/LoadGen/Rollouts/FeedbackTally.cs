namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>What a feedback run sent: labels submitted per answered request, accepted, failed, and answers left without feedback.</summary>
public sealed record FeedbackTally
{
    /// <summary>Answered requests that had labels and a request id: one feedback each.</summary>
    public long Submitted { get; init; }

    public long Accepted { get; init; }

    public long Failed { get; init; }

    /// <summary>Answered requests whose response carried no request id (nothing to name in feedback).</summary>
    public long WithoutId { get; init; }
}
