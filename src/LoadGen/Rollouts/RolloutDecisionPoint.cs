namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// One decision of the rollout (started, advanced, held, rolled_back, promoted, ...), with the arms' counts and the
/// candidate's p95 from the evidence it was taken on (null where the evidence has none), and when LoadGen first saw it
/// (seconds since measurement start; the router's own time is <see cref="At"/>).
/// </summary>
public sealed record RolloutDecisionPoint
{
    public required long Sequence { get; init; }

    public required string At { get; init; }

    public required string Kind { get; init; }

    public int FromPercent { get; init; }

    public int ToPercent { get; init; }

    public string Reason { get; init; } = "";

    public string By { get; init; } = "";

    public ArmCounts? Baseline { get; init; }

    public ArmCounts? Candidate { get; init; }

    public double? CandidateP95Ms { get; init; }

    public double SeenAtSeconds { get; init; }

    /// <summary>Requests both arms had answered when the decision was taken; null without evidence.</summary>
    public long? Requests => Baseline is { } b && Candidate is { } c ? b.Requests + c.Requests : null;

    /// <summary>The decisions that end a rollout.</summary>
    public bool IsFinal => Kind is RolloutSnapshot.Promoted or RolloutSnapshot.RolledBack or RolloutSnapshot.Aborted;
}
