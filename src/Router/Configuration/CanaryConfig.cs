using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// A progressive rollout of <see cref="Candidate"/> against <see cref="Baseline"/> (see README, "Canary rollouts").
/// Absent values take the defaults of <see cref="CanaryDefaults"/>; <see cref="CanaryConfigRules"/> checks it.
/// </summary>
public sealed record CanaryConfig
{
    /// <summary>The arm serving everyone not on the candidate; required.</summary>
    public string? Baseline { get; init; }

    /// <summary>The arm being rolled out; required, not the baseline.</summary>
    public string? Candidate { get; init; }

    /// <summary>Candidate traffic percentages, strictly increasing, 1–100; default 5, 10, 25, 50, 100.</summary>
    public IReadOnlyList<int>? Steps { get; init; }

    /// <summary>Minimum time on a step before it may end; default 60 s.</summary>
    public int? MinStepSeconds { get; init; }

    /// <summary>Minimum requests on EACH arm within a step before it may end; default 200.</summary>
    public int? MinSamples { get; init; }

    /// <summary>"sequential" (mSPRT, looked at every tick; default) or "fixed" (z-test, one look per step end).</summary>
    public string? Test { get; init; }

    /// <summary>Family-wise false-rollback budget across all guardrails; default 0.05.</summary>
    public double? Alpha { get; init; }

    /// <summary>The mixture's scale τ: the difference in a rate worth catching; default 0.02.</summary>
    public double? Tau { get; init; }

    /// <summary>Requests (or labelled rows) each arm needs before a rate guardrail is tested at all; default 100.</summary>
    public int? BurnIn { get; init; }

    /// <summary>Sample-ratio-mismatch p-value below which the rollout holds; default 0.001.</summary>
    public double? SrmThreshold { get; init; }

    /// <summary>Promote at the last step only when accuracy is shown non-inferior (upper bound below δ); default false.</summary>
    public bool? RequireNonInferiority { get; init; }

    public CanaryGuardrailsConfig? Guardrails { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
