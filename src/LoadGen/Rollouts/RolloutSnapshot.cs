namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>The router's view of a rollout at one poll, free of protocol types.</summary>
public sealed record RolloutSnapshot
{
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Promoted = "promoted";
    public const string RolledBack = "rolled_back";
    public const string Aborted = "aborted";

    public required string Id { get; init; }

    public required string Status { get; init; }

    public int CandidatePercent { get; init; }

    public int StepIndex { get; init; }

    public IReadOnlyList<int> Steps { get; init; } = [];

    public string Baseline { get; init; } = "";

    public string Candidate { get; init; } = "";

    public string HoldReason { get; init; } = "";

    public IReadOnlyList<GuardrailPoint> Guardrails { get; init; } = [];

    public IReadOnlyList<RolloutDecisionPoint> Decisions { get; init; } = [];

    /// <summary>Counts over the rollout at the latest look; null before the first look.</summary>
    public ArmCounts? BaselineTotal { get; init; }

    public ArmCounts? CandidateTotal { get; init; }

    /// <summary>Promoted, rolled back or aborted: nothing will change any more.</summary>
    public bool IsFinished => Status is Promoted or RolledBack or Aborted;
}
