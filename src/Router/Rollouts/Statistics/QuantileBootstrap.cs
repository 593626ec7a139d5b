namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// Latency is compared on its percentiles, not its mean (a heavier tail with the same mean is exactly what users
/// feel): percentile bootstrap of a quantile (one arm) or of q_B − (1 + m)·q_A (two arms, m the allowed relative
/// increase). The Random is injected, so a seeded run gives the same interval every time. A bootstrap interval is a
/// fixed-horizon statement: the rollout looks at it once per step, at the step's end.
/// </summary>
public static class QuantileBootstrap
{
    /// <summary>Nearest-rank quantile of <paramref name="sorted"/> (ascending); NaN when empty.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        int rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The q-quantile of one sample with its (1 − α) percentile-bootstrap interval.</summary>
    public static BootstrapResult OneSample(IReadOnlyList<double> samples, double q, double alpha, int iterations, Random random, double threshold = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(random);
        if (samples.Count == 0)
        {
            return BootstrapResult.Uninformative;
        }

        var data = samples.Order().ToArray();
        var buffer = new int[data.Length];
        var estimates = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            estimates[i] = Resampled(data, buffer, q, random);
        }

        return Interval(Quantile(data, q), estimates, alpha, threshold);
    }

    /// <summary>
    /// q_B − (1 + <paramref name="relativeMargin"/>)·q_A with its (1 − α) interval and the p-value of "above 0": a lower
    /// bound above 0 means B's quantile is worse than allowed.
    /// </summary>
    public static BootstrapResult Difference(
        IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, double q, double relativeMargin, double alpha, int iterations, Random random)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(random);
        if (baseline.Count == 0 || candidate.Count == 0)
        {
            return BootstrapResult.Uninformative;
        }

        var a = baseline.Order().ToArray();
        var b = candidate.Order().ToArray();
        var bufferA = new int[a.Length];
        var bufferB = new int[b.Length];
        double factor = 1 + relativeMargin;
        var estimates = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            estimates[i] = Resampled(b, bufferB, q, random) - factor * Resampled(a, bufferA, q, random);
        }

        return Interval(Quantile(b, q) - factor * Quantile(a, q), estimates, alpha, 0);
    }

    /// <summary>
    /// The q-quantile of one resample of <paramref name="sorted"/> without sorting it: count how often each rank is
    /// drawn, then walk the counts to the quantile's rank. O(n) per resample instead of O(n log n).
    /// </summary>
    private static double Resampled(double[] sorted, int[] counts, double q, Random random)
    {
        int n = sorted.Length;
        Array.Clear(counts);
        for (int i = 0; i < n; i++)
        {
            counts[random.Next(n)]++;
        }

        int rank = Math.Clamp((int)Math.Ceiling(q * n), 1, n);
        int seen = 0;
        for (int i = 0; i < n; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return sorted[i];
            }
        }

        return sorted[n - 1];
    }

    private static BootstrapResult Interval(double estimate, double[] estimates, double alpha, double threshold)
    {
        Array.Sort(estimates);
        int harmless = estimates.Count(e => e <= threshold);
        double p = (harmless + 1.0) / (estimates.Length + 1.0);
        return new BootstrapResult(estimate, Quantile(estimates, alpha / 2), Quantile(estimates, 1 - alpha / 2), p, estimates.Length, true);
    }
}
