namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>One point of a latency distribution: the latency (ms) at a percentile.</summary>
public readonly record struct PercentilePoint(double Percentile, double LatencyMs)
{
    /// <summary>
    /// The percentile curve of a histogram on a "nines" scale (HdrHistogram's plot): points at
    /// p = 100 (1 - 10^-x) for x in steps of 1/8 up to the resolution the sample count supports, and the max.
    /// </summary>
    public static IReadOnlyList<PercentilePoint> Curve(LatencyHistogram histogram)
    {
        var points = new List<PercentilePoint>();
        if (histogram.Count == 0)
        {
            return points;
        }

        var maxNines = Math.Min(5, Math.Log10(histogram.Count));
        for (var x = 0.0; x <= maxNines + 1e-9; x += 0.125)
        {
            var p = 100.0 * (1.0 - Math.Pow(10, -x));
            points.Add(new PercentilePoint(Math.Round(p, 6), histogram.ValueAtPercentile(Math.Max(p, 1e-9)) / 1e6));
        }

        points.Add(new PercentilePoint(100, histogram.Max / 1e6));
        return points;
    }
}
