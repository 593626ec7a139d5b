using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// Everything a decision was taken on, stored with it: the candidate's share, both arms' tallies over the rollout
/// and over the step, each guardrail, the sample-ratio check, and the Bayesian view of accuracy (reported only).
/// </summary>
public sealed record RolloutEvidence
{
    public required int CandidatePercent { get; init; }

    public required double StepSeconds { get; init; }

    public required ArmTally BaselineTotal { get; init; }

    public required ArmTally CandidateTotal { get; init; }

    public required ArmTally BaselineStep { get; init; }

    public required ArmTally CandidateStep { get; init; }

    public required BinomialCounts Agreement { get; init; }

    public required IReadOnlyList<GuardrailResult> Guardrails { get; init; }

    public required SrmResult Srm { get; init; }

    /// <summary>P(candidate's accuracy &gt; baseline's) under Beta(1, 1) priors; NaN without feedback.</summary>
    public double ProbabilityCandidateBetter { get; init; } = double.NaN;

    /// <summary>Accuracy expected to be lost by choosing the candidate; NaN without feedback.</summary>
    public double ExpectedAccuracyLoss { get; init; } = double.NaN;

    /// <summary>Labelled rows (both arms) a fixed-horizon test would need to see a τ drop at this share with 80% power; 0 without feedback.</summary>
    public long PlannedLabelledRows { get; init; }
}
