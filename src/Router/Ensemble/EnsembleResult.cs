namespace EnsembleGrpc.Router.Ensemble;

/// <summary>The outcome of one request through an arm, as a value the front end maps to the protocol.</summary>
public sealed record EnsembleResult
{
    public required EnsembleResultKind Kind { get; init; }

    /// <summary>[N × classes], when answered.</summary>
    public float[]? Probabilities { get; init; }

    /// <summary>N predicted classes, when answered.</summary>
    public int[]? Predictions { get; init; }

    /// <summary>The strategy that produced the answer (bagging on fallback).</summary>
    public string? Strategy { get; init; }

    public bool Fallback { get; init; }

    public string? FallbackReason { get; init; }

    /// <summary>Stable keys of the fallback's causes (failure kinds, or strategy_failed), for statistics.</summary>
    public IReadOnlyList<string> FallbackCategories { get; init; } = [];

    public int MembersAnswered { get; init; }

    public required IReadOnlyList<MemberOutcome> Outcomes { get; init; }

    /// <summary>For <see cref="EnsembleResultKind.Unavailable"/>: every member and its failure.</summary>
    public string? Message { get; init; }
}
