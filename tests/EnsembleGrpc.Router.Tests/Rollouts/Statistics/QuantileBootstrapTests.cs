using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Statistics;

public sealed class QuantileBootstrapTests
{
    [Fact]
    public void Nearest_rank_quantile()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        Assert.Equal(95, QuantileBootstrap.Quantile(sorted, 0.95));
        Assert.Equal(1, QuantileBootstrap.Quantile(sorted, 0.0));
        Assert.True(double.IsNaN(QuantileBootstrap.Quantile([], 0.95)));
    }

    [Fact]
    public void A_heavier_tail_with_the_same_median_is_detected_and_equal_arms_are_not()
    {
        var random = new Random(11);
        var baseline = Latencies(random, 2000, tailShare: 0.02);
        var same = Latencies(random, 2000, tailShare: 0.02);
        var heavier = Latencies(random, 2000, tailShare: 0.10);

        var equal = QuantileBootstrap.Difference(baseline, same, 0.95, 0.1, 0.05, 400, new Random(1));
        var worse = QuantileBootstrap.Difference(baseline, heavier, 0.95, 0.1, 0.05, 400, new Random(1));

        Assert.True(equal.Lower <= 0, $"A/A lower bound {equal.Lower}");
        Assert.True(worse.Lower > 0, $"heavier tail lower bound {worse.Lower}");
    }

    [Fact]
    public void A_seeded_random_gives_the_same_interval()
    {
        var samples = Latencies(new Random(5), 500, 0.05);

        var first = QuantileBootstrap.OneSample(samples, 0.95, 0.05, 200, new Random(3));
        var second = QuantileBootstrap.OneSample(samples, 0.95, 0.05, 200, new Random(3));

        Assert.Equal(first, second);
        Assert.True(first.Lower <= first.Estimate && first.Estimate <= first.Upper);
    }

    private static List<double> Latencies(Random random, int n, double tailShare) =>
        [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() < tailShare ? 150 + 50 * random.NextDouble() : 10 + 10 * random.NextDouble())];
}
