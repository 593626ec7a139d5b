namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// The experiment report of a feedback run against a rollout: which arms, how it ended and after how many requests,
/// the feedback sent, the guardrails at the last look, every poll and every decision. Formatted by the report writers.
/// </summary>
public sealed record RolloutExperiment
{
    public required string Ensemble { get; init; }

    public string RolloutId { get; init; } = "";

    public string Baseline { get; init; } = "";

    public string Candidate { get; init; } = "";

    public IReadOnlyList<int> Steps { get; init; } = [];

    /// <summary>The status at the last look: promoted, rolled_back, aborted, or still running/paused when the run ended first.</summary>
    public string FinalStatus { get; init; } = "unknown";

    /// <summary>The decision that ended the rollout, when one did.</summary>
    public RolloutDecisionPoint? Outcome { get; init; }

    public double PollSeconds { get; init; }

    public FeedbackTally? Feedback { get; init; }

    public IReadOnlyList<GuardrailPoint> Guardrails { get; init; } = [];

    public IReadOnlyList<RolloutSample> Samples { get; init; } = [];

    public IReadOnlyList<RolloutDecisionPoint> Decisions { get; init; } = [];
}
