using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Tests.Measurement;

public sealed class LatencyHistogramTests
{
    private static readonly double[] Percentiles = [1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

    public static TheoryData<string> Distributions => new() { "uniform", "exponential", "bimodal", "constant", "wide" };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Percentiles_are_within_the_stated_relative_error_of_the_exact_ones(string distribution)
    {
        var random = new Random(42);
        var values = Enumerable.Range(0, 200_000).Select(_ => Sample(distribution, random)).ToArray();
        var histogram = new LatencyHistogram();
        foreach (var v in values)
        {
            histogram.Record(v);
        }

        Array.Sort(values);
        Assert.Equal(values.Length, histogram.Count);
        Assert.Equal(values[0], histogram.Min);
        Assert.Equal(values[^1], histogram.Max);
        foreach (var p in Percentiles)
        {
            var exact = values[Math.Max(0, (int)Math.Ceiling(p / 100 * values.Length) - 1)]; // nearest rank
            var reported = histogram.ValueAtPercentile(p);
            var error = Math.Abs(reported - exact) / (double)Math.Max(1, exact);
            Assert.True(error <= LatencyHistogram.RelativeErrorBound, $"{distribution} p{p}: exact {exact}, reported {reported}, error {error:P3}");
        }

        Assert.True(LatencyHistogram.RelativeErrorBound < 0.01);
    }

    [Fact]
    public void Every_value_falls_in_a_bucket_no_wider_than_its_128th_part()
    {
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            var v = (long)Math.Exp(random.NextDouble() * 40);
            var (low, width) = LatencyHistogram.BucketBounds(LatencyHistogram.IndexOf(v));
            Assert.InRange(v, low, low + width - 1);
            Assert.True(width == 1 || width * 128 <= low, $"bucket [{low}, {low + width}) too wide");
        }

        Assert.Equal(long.MaxValue, new LatencyHistogramProbe().RecordMax());
    }

    [Fact]
    public void Merging_equals_recording_everything_in_one()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (var i = 1; i <= 10_000; i++)
        {
            (i % 2 == 0 ? a : b).Record(i * 37L);
            all.Record(i * 37L);
        }

        a.Add(b);
        foreach (var p in Percentiles)
        {
            Assert.Equal(all.ValueAtPercentile(p), a.ValueAtPercentile(p));
        }

        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Mean, a.Mean, 6);
    }

    [Fact]
    public void Empty_histogram_reports_zero()
    {
        var h = new LatencyHistogram();
        Assert.Equal(0, h.ValueAtPercentile(99));
        Assert.Same(LatencySummary.Empty, LatencySummary.From(h));
    }

    private static long Sample(string distribution, Random random) => distribution switch
    {
        // Nanoseconds: 1..10 ms uniform; exponential with a 2 ms mean; two modes at 1 ms and 40 ms; a constant; six decades.
        "uniform" => random.NextInt64(1_000_000, 10_000_000),
        "exponential" => (long)(-Math.Log(1 - random.NextDouble()) * 2_000_000),
        "bimodal" => random.NextDouble() < 0.9 ? 1_000_000 + random.NextInt64(0, 100_000) : 40_000_000 + random.NextInt64(0, 2_000_000),
        "constant" => 2_345_678,
        "wide" => (long)Math.Pow(10, 2 + (random.NextDouble() * 6)),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
    };

    private sealed class LatencyHistogramProbe
    {
        public long RecordMax()
        {
            var h = new LatencyHistogram();
            h.Record(long.MaxValue);
            return h.ValueAtPercentile(50);
        }
    }
}
