using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>Circuit-breaker settings of every worker endpoint of an ensemble (Polly's advanced circuit breaker).</summary>
public sealed record BreakerConfig
{
    /// <summary>Failure ratio over the sampling window that opens the breaker, in (0, 1]; default 0.5.</summary>
    public double? FailureRatio { get; init; }

    /// <summary>Calls in the window before the ratio counts, at least 2; default 5.</summary>
    public int? MinimumThroughput { get; init; }

    /// <summary>Sampling window in milliseconds, at least 500; default 10000.</summary>
    public int? SamplingDurationMs { get; init; }

    /// <summary>How long the breaker stays open before a probe, at least 500 ms; default 5000.</summary>
    public int? BreakDurationMs { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
