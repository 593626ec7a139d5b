namespace EnsembleGrpc.Router.Model;

/// <summary>
/// Snapshot of one arm, with the parameters its strategy prepared at config load (<see cref="Parameters"/>), so that
/// nothing is computed or looked up per request.
/// </summary>
public sealed record ArmModel
{
    public required string Name { get; init; }

    /// <summary>The strategy's registered name, lower case.</summary>
    public required string Strategy { get; init; }

    public required int Weight { get; init; }

    public required IReadOnlyList<MemberModel> Members { get; init; }

    /// <summary>What the strategy prepared for this arm; null for a strategy that takes no parameters.</summary>
    public IStrategyParameters? Parameters { get; init; }
}
