using EnsembleGrpc.Router.Configuration;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// A rollout's settings with every default applied (the *Model of a <see cref="CanaryConfig"/>). A guardrail that is
/// off has a null threshold.
/// </summary>
public sealed record RolloutSpec
{
    public required string Baseline { get; init; }

    public required string Candidate { get; init; }

    public required IReadOnlyList<int> Steps { get; init; }

    public required TimeSpan MinStepDuration { get; init; }

    public required int MinSamples { get; init; }

    /// <summary>True: mSPRT at every tick; false: a z-test once per step end.</summary>
    public required bool Sequential { get; init; }

    public required double Alpha { get; init; }

    public required double Tau { get; init; }

    public required int BurnIn { get; init; }

    public required double SrmThreshold { get; init; }

    public required bool RequireNonInferiority { get; init; }

    public double? ErrorRateMargin { get; init; }

    public double? FallbackRateMargin { get; init; }

    public double? LatencyP95Ms { get; init; }

    public double? LatencyRelativeMargin { get; init; }

    public double? AccuracyDelta { get; init; }

    public double? AgreementFloor { get; init; }

    /// <summary>Bootstrap resamples per latency look.</summary>
    public int BootstrapIterations { get; init; } = 1000;

    /// <summary>How many guardrails are on: Holm's m (fixed, so an idle guardrail cannot make the others laxer).</summary>
    public int GuardrailCount =>
        new object?[] { ErrorRateMargin, FallbackRateMargin, AccuracyDelta, AgreementFloor }.Count(g => g is not null)
        + (LatencyP95Ms is not null ? 1 : 0) + (LatencyRelativeMargin is not null ? 1 : 0);

    /// <summary>The spec of a config that <see cref="CanaryConfigRules"/> accepted.</summary>
    public static RolloutSpec From(CanaryConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var g = config.Guardrails ?? new CanaryGuardrailsConfig();
        var off = new HashSet<string>(g.Disabled ?? [], StringComparer.Ordinal);
        return new RolloutSpec
        {
            Baseline = config.Baseline!,
            Candidate = config.Candidate!,
            Steps = config.Steps ?? CanaryDefaults.Steps,
            MinStepDuration = TimeSpan.FromSeconds(config.MinStepSeconds ?? CanaryDefaults.MinStepSeconds),
            MinSamples = config.MinSamples ?? CanaryDefaults.MinSamples,
            Sequential = (config.Test ?? CanaryDefaults.SequentialTest) == CanaryDefaults.SequentialTest,
            Alpha = config.Alpha ?? CanaryDefaults.Alpha,
            Tau = config.Tau ?? CanaryDefaults.Tau,
            BurnIn = config.BurnIn ?? CanaryDefaults.BurnIn,
            SrmThreshold = config.SrmThreshold ?? CanaryDefaults.SrmThreshold,
            RequireNonInferiority = config.RequireNonInferiority ?? false,
            ErrorRateMargin = off.Contains("error_rate") ? null : g.ErrorRateMargin ?? CanaryDefaults.ErrorRateMargin,
            FallbackRateMargin = off.Contains("fallback_rate") ? null : g.FallbackRateMargin ?? CanaryDefaults.FallbackRateMargin,
            LatencyP95Ms = off.Contains("latency") ? null : g.LatencyP95Ms ?? CanaryDefaults.LatencyP95Ms,
            LatencyRelativeMargin = off.Contains("latency") ? null : g.LatencyRelativeMargin ?? CanaryDefaults.LatencyRelativeMargin,
            AccuracyDelta = off.Contains("accuracy") ? null : g.AccuracyDelta ?? CanaryDefaults.AccuracyDelta,
            AgreementFloor = off.Contains("agreement") ? null : g.AgreementFloor ?? CanaryDefaults.AgreementFloor,
        };
    }
}
