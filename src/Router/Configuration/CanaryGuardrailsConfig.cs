using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// What rolls a canary back. A margin is how much worse than the baseline the candidate may be before evidence of
/// it triggers a rollback; a null guardrail is off. Defaults in <see cref="CanaryDefaults"/>.
/// </summary>
public sealed record CanaryGuardrailsConfig
{
    /// <summary>Absolute margin on the error rate (non-fallback failures); default 0.005.</summary>
    public double? ErrorRateMargin { get; init; }

    /// <summary>Absolute margin on the fallback rate; default 0.01.</summary>
    public double? FallbackRateMargin { get; init; }

    /// <summary>Absolute bound on the candidate's p95 latency in ms; default 200.</summary>
    public double? LatencyP95Ms { get; init; }

    /// <summary>Allowed relative increase of the p95 over the baseline's (0.2 = 20%); default 0.2.</summary>
    public double? LatencyRelativeMargin { get; init; }

    /// <summary>Non-inferiority margin δ on accuracy from feedback (absolute); default 0.005.</summary>
    public double? AccuracyDelta { get; init; }

    /// <summary>Floor on the shadow's agreement with the primary (when the shadow arm is the candidate); default 0.9.</summary>
    public double? AgreementFloor { get; init; }

    /// <summary>Guardrails to switch off by name: error_rate, fallback_rate, latency, accuracy, agreement.</summary>
    public IReadOnlyList<string>? Disabled { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
