using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Tests.Measurement;

public sealed class StabilityCriteriaTests
{
    private static WindowSummary W(int i, double throughput, double p99, long succeeded = 100) => new(i, 1, succeeded, succeeded, throughput, p99);

    [Fact]
    public void Needs_three_windows()
    {
        var criteria = new StabilityCriteria();
        Assert.False(criteria.IsStable([W(0, 100, 5), W(1, 100, 5)]));
        Assert.True(criteria.IsStable([W(0, 100, 5), W(1, 100, 5), W(2, 100, 5)]));
    }

    [Theory]
    [InlineData(100, 105, 95, 5, 5, 5, true)]     // throughput within ±10 % of its mean
    [InlineData(100, 100, 125, 5, 5, 5, false)]   // one throughput 15 % above the mean
    [InlineData(100, 100, 100, 5, 5.4, 4.6, true)]
    [InlineData(100, 100, 100, 5, 5, 7, false)]   // p99 unstable
    public void Throughput_and_p99_must_both_agree_within_the_tolerance(double t0, double t1, double t2, double p0, double p1, double p2, bool stable)
    {
        var criteria = new StabilityCriteria { Tolerance = 0.10 };
        Assert.Equal(stable, criteria.IsStable([W(0, 1, 1000), W(1, t0, p0), W(2, t1, p1), W(3, t2, p2)]));
    }

    [Fact]
    public void Only_the_last_three_windows_count_and_the_cap_ends_an_unstable_step()
    {
        var criteria = new StabilityCriteria { MaxWindows = 5 };
        var windows = new List<WindowSummary> { W(0, 10, 50), W(1, 500, 1), W(2, 100, 5), W(3, 101, 5), W(4, 99, 5) };
        Assert.True(criteria.IsStable(windows));

        var noisy = new List<WindowSummary> { W(0, 10, 50), W(1, 500, 1), W(2, 10, 50), W(3, 500, 1) };
        Assert.False(criteria.IsDone(noisy));
        noisy.Add(W(4, 10, 50));
        Assert.False(criteria.IsStable(noisy));
        Assert.True(criteria.IsDone(noisy));
    }

    [Fact]
    public void Windows_without_successes_are_never_stable()
        => Assert.False(new StabilityCriteria().IsStable([W(0, 0, 0, 0), W(1, 0, 0, 0), W(2, 0, 0, 0)]));
}
