namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// What one member call produced, as a value: probabilities, or a failure kind with a message. The fan-out never
/// throws through its callers; the aggregation step decides what the outcomes mean together.
/// </summary>
public sealed record MemberOutcome
{
    public required string Member { get; init; }

    /// <summary>The replica that was called; null when none was (e.g. every breaker open).</summary>
    public string? Endpoint { get; init; }

    /// <summary>[N × classes] row-major; set only on success.</summary>
    public float[]? Probabilities { get; init; }

    public MemberFailureKind Failure { get; init; }

    /// <summary>Human-readable failure (safe for clients: status codes and our own words, never stack traces).</summary>
    public string? Error { get; init; }

    public TimeSpan Latency { get; init; }

    public bool Succeeded => Failure == MemberFailureKind.None && Probabilities is not null;

    public static MemberOutcome Success(string member, string? endpoint, float[] probabilities, TimeSpan latency) =>
        new() { Member = member, Endpoint = endpoint, Probabilities = probabilities, Latency = latency };

    public static MemberOutcome Failed(string member, string? endpoint, MemberFailureKind kind, string error, TimeSpan latency) =>
        new() { Member = member, Endpoint = endpoint, Failure = kind, Error = error, Latency = latency };

    public string Describe() => Succeeded ? $"{Member}: ok" : $"{Member}: {Failure.ToKey()} ({Error})";
}
