namespace TransportBench.Measurement;

/// <summary>Medians, and ratios of paired samples (two scenarios of the same repetition, run back to back).</summary>
internal static class Stats
{
    public static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>a/b within each repetition, then the median and the min–max of those ratios; null when no pair has both.</summary>
    public static PairedRatio? Ratio(Scenario a, Scenario b, Func<Rep, double?> field)
    {
        var ratios = a.Reps.Zip(b.Reps, (x, y) => field(x) is { } fx && field(y) is { } fy && fy > 0 ? fx / fy : (double?)null)
            .Where(r => r.HasValue).Select(r => r!.Value).Order().ToArray();
        return ratios.Length == 0 ? null : new PairedRatio(Median(ratios.Select(r => (double?)r))!.Value, ratios[0], ratios[^1], ratios.Length);
    }
}
