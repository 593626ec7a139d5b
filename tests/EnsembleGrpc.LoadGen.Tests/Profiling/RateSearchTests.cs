using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Profiling;

namespace EnsembleGrpc.LoadGen.Tests.Profiling;

public sealed class RateSearchTests
{
    /// <summary>A fake server whose p99 is 5 ms up to its knee, then grows steeply.</summary>
    private static Func<double, CancellationToken, Task<StepSummary>> Server(double knee, List<double> probed) => (rate, _) =>
    {
        probed.Add(rate);
        var p99 = rate <= knee ? 5 : 5 + ((rate - knee) * 2);
        return Task.FromResult(new StepSummary
        {
            Label = $"rate {rate}",
            Mode = "rate",
            Rate = rate,
            Requests = 100,
            Succeeded = 100,
            SuccessRate = 1,
            Latency = new LatencySummary { Count = 100, P99Ms = p99 },
        });
    };

    [Fact]
    public async Task Finds_the_knee_within_the_precision()
    {
        var probed = new List<double>();
        var result = await new RateSearch(100, 5000, P99LimitMs: 20) { Precision = 0.02 }.RunAsync(Server(1234, probed), CancellationToken.None);

        Assert.NotNull(result.BestRate);
        Assert.InRange(result.BestRate!.Value, 1234 * 0.98, 1234 + 7.5); // passing rates: up to knee + 7.5 (p99 = 20)
        Assert.Equal([100, 5000], probed.Take(2));
        Assert.True(result.Probes.Count <= 10);
        Assert.All(result.Probes, p => Assert.Equal(p.Step.Latency.P99Ms <= 20, p.Passed));
    }

    [Fact]
    public async Task Reports_the_high_end_when_it_passes_and_none_when_the_low_end_fails()
    {
        var all = await new RateSearch(100, 1000, 20).RunAsync(Server(5000, []), CancellationToken.None);
        Assert.Equal(1000, all.BestRate);
        Assert.Equal(2, all.Probes.Count);

        var none = await new RateSearch(100, 1000, 20).RunAsync(Server(10, []), CancellationToken.None);
        Assert.Null(none.BestRate);
        Assert.Single(none.Probes);
    }

    [Fact]
    public void A_rate_with_errors_does_not_pass()
    {
        var search = new RateSearch(1, 2, 20);
        var ok = new StepSummary { Label = "x", Mode = "rate", Requests = 100, Succeeded = 100, SuccessRate = 1, Latency = new LatencySummary { P99Ms = 1 } };
        Assert.True(search.Passes(ok));
        Assert.False(search.Passes(ok with { Succeeded = 90, SuccessRate = 0.9 }));
        Assert.False(search.Passes(ok with { Latency = new LatencySummary { P99Ms = 21 } }));
    }
}
