namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>Latency percentiles in milliseconds, read from a <see cref="LatencyHistogram"/> of nanoseconds.</summary>
public sealed record LatencySummary
{
    public static readonly LatencySummary Empty = new();

    public long Count { get; init; }

    public double MinMs { get; init; }

    public double MeanMs { get; init; }

    public double P50Ms { get; init; }

    public double P90Ms { get; init; }

    public double P95Ms { get; init; }

    public double P99Ms { get; init; }

    public double P999Ms { get; init; }

    public double MaxMs { get; init; }

    public static LatencySummary From(LatencyHistogram histogram)
    {
        if (histogram.Count == 0)
        {
            return Empty;
        }

        return new LatencySummary
        {
            Count = histogram.Count,
            MinMs = Ms(histogram.Min),
            MeanMs = histogram.Mean / 1e6,
            P50Ms = Ms(histogram.ValueAtPercentile(50)),
            P90Ms = Ms(histogram.ValueAtPercentile(90)),
            P95Ms = Ms(histogram.ValueAtPercentile(95)),
            P99Ms = Ms(histogram.ValueAtPercentile(99)),
            P999Ms = Ms(histogram.ValueAtPercentile(99.9)),
            MaxMs = Ms(histogram.Max),
        };
    }

    private static double Ms(long nanoseconds) => nanoseconds / 1e6;
}
