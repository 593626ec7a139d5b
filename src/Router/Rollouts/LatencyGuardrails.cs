using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// Latency on the p95 of the step's samples, at the step's end (a bootstrap interval is a fixed-horizon statement:
/// one look per step, α spread over the steps): the candidate's p95 above the absolute bound, and the candidate's
/// p95 above (1 + margin) × the baseline's. The p-value is the bootstrap's one-sided share of resamples on the
/// harmless side (<see cref="BootstrapResult.PValueAbove"/>).
/// </summary>
public static class LatencyGuardrails
{
    public const string Bound = "latency_p95_bound";
    public const string Relative = "latency_p95_relative";
    private const double Quantile = 0.95;

    public static IEnumerable<GuardrailResult> Evaluate(RolloutSpec spec, RolloutCounts step, bool stepEnd, Random random)
    {
        var a = step.BaselineLatencyMs;
        var b = step.CandidateLatencyMs;
        int looks = Math.Max(1, spec.Steps.Count(s => s < 100));
        double alpha = spec.Alpha / looks;
        if (spec.LatencyP95Ms is { } bound)
        {
            yield return !stepEnd || b.Count < spec.BurnIn
                ? GuardrailResult.Insufficient(Bound, "bootstrap", bound, stepEnd ? $"needs {spec.BurnIn} candidate latencies; have {b.Count}" : "looks only at the step's end")
                : Absolute(spec, b, bound, alpha, looks, random);
        }

        if (spec.LatencyRelativeMargin is { } margin)
        {
            yield return !stepEnd || a.Count < spec.BurnIn || b.Count < spec.BurnIn
                ? GuardrailResult.Insufficient(Relative, "bootstrap", margin, stepEnd ? $"needs {spec.BurnIn} latencies per arm; have {a.Count} and {b.Count}" : "looks only at the step's end")
                : Compared(spec, a, b, margin, alpha, looks, random);
        }
    }

    private static GuardrailResult Absolute(RolloutSpec spec, IReadOnlyList<double> candidate, double bound, double alpha, int looks, Random random)
    {
        var result = QuantileBootstrap.OneSample(candidate, Quantile, 2 * alpha, spec.BootstrapIterations, random, bound);
        // One look per step: scaled back to the family's α (Bonferroni over the steps).
        double p = Math.Min(1, result.PValueAbove * looks);
        return new GuardrailResult(Bound, "bootstrap", result.Estimate, result.Lower, result.Upper, bound, p, p, GuardrailVerdict.Pass, "candidate p95 ms");
    }

    private static GuardrailResult Compared(RolloutSpec spec, IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, double margin, double alpha, int looks, Random random)
    {
        var result = QuantileBootstrap.Difference(baseline, candidate, Quantile, margin, 2 * alpha, spec.BootstrapIterations, random);
        // One look per step: scaled back to the family's α (Bonferroni over the steps).
        double p = Math.Min(1, result.PValueAbove * looks);
        return new GuardrailResult(Relative, "bootstrap", result.Estimate, result.Lower, result.Upper, margin, p, p, GuardrailVerdict.Pass, "candidate p95 − (1 + margin) × baseline p95, ms");
    }
}
