namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// One poll of the rollout: the candidate's share and status, both arms' counts over the rollout so far (the
/// guardrails' accuracy, error and fallback rates), and the client-side p95 of each arm's requests answered since
/// the previous poll (null without such requests, or when the router does not reveal the arm).
/// </summary>
public sealed record RolloutSample
{
    /// <summary>Seconds since measurement start.</summary>
    public required double Seconds { get; init; }

    public required string Status { get; init; }

    public int CandidatePercent { get; init; }

    public ArmCounts? Baseline { get; init; }

    public ArmCounts? Candidate { get; init; }

    public double? BaselineP95Ms { get; init; }

    public double? CandidateP95Ms { get; init; }
}
