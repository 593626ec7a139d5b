namespace EnsembleGrpc.Router.Model;

/// <summary>Snapshot of one ensemble (a virtual model) with defaults applied.</summary>
public sealed record EnsembleModel
{
    public required string Name { get; init; }

    public required IReadOnlyList<MemberModel> Members { get; init; }

    public required IReadOnlyList<ArmModel> Arms { get; init; }

    public ShadowModel? Shadow { get; init; }

    public required int Quorum { get; init; }

    public required bool RevealArm { get; init; }

    public required int MaxBatchSize { get; init; }

    public required TimeSpan Timeout { get; init; }

    public required BreakerModel Breaker { get; init; }

    /// <summary>
    /// How much later than the quorum's answers the other members may be before the ensemble answers without them
    /// (flagged, reason <c>member_late</c>); null (the default) waits for every member up to <see cref="Timeout"/>.
    /// </summary>
    public TimeSpan? PartialAfter { get; init; }

    /// <summary>Sum of the arms' weights; positive (the validator guarantees it).</summary>
    public int TotalWeight => Arms.Sum(a => a.Weight);

    public ArmModel? FindArm(string name) => Arms.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));

    /// <summary>The first arm using <paramref name="strategy"/>: a request naming a strategy is served by it.</summary>
    public ArmModel? FindArmByStrategy(string strategy) =>
        Arms.FirstOrDefault(a => string.Equals(a.Strategy, strategy, StringComparison.OrdinalIgnoreCase));
}
