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

    /// <summary>
    /// For the client: why the arm's strategy could not complete, as short codes (<see cref="FallbackReasons"/>),
    /// e.g. "m2: member_timeout" or "m2: breaker_open, m3: member_error"; null when no fallback.
    /// </summary>
    public string? FallbackReason { get; init; }

    /// <summary>For logs and operators only: the fallback's or the failure's detail, endpoints and workers' words included.</summary>
    public string? Detail { get; init; }

    /// <summary>Stable keys of the fallback's causes (failure kinds, or strategy_failed), for statistics.</summary>
    public IReadOnlyList<string> FallbackCategories { get; init; } = [];

    public int MembersAnswered { get; init; }

    public required IReadOnlyList<MemberOutcome> Outcomes { get; init; }

    /// <summary>For the client: why there is no answer (members and failure codes, or a rejection's reason); no endpoints.</summary>
    public string? Message { get; init; }
}
