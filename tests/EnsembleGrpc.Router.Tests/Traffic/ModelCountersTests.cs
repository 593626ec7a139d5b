using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Traffic;

namespace EnsembleGrpc.Router.Tests.Traffic;

public sealed class ModelCountersTests
{
    [Fact]
    public void Successes_split_their_time_into_queue_input_infer_and_output_and_failures_count_apart()
    {
        var counters = new ModelCounters();
        // 10 MHz timestamps (100 ns a tick): arrival 0, decode 10, input ready 110, fan-out 120, aggregated 1120, encoded 1170.
        counters.RecordSuccess(new RequestTimings(0, 10, 110, 120, 1120, 1170), rows: 4, nowMs: 1_700_000_000_000);
        counters.RecordSuccess(new RequestTimings(2000, 2000, 2100, 2100, 2600, 2650), rows: 1, nowMs: 1_699_999_999_999);
        counters.RecordFailure(30);

        var stats = StatisticsMapper.ToModelStatistics("mnist", counters.Snapshot(10_000_000));

        Assert.Equal("mnist", stats.Name);
        Assert.Equal("1", stats.Version);
        Assert.Equal(5UL, stats.InferenceCount);
        Assert.Equal(2UL, stats.ExecutionCount);
        Assert.Equal(1_700_000_000_000UL, stats.LastInference); // the latest, not the last recorded
        var s = stats.InferenceStats;
        Assert.Equal(new StatisticDuration { Count = 2, Ns = (1170 + 650) * 100 }, s.Success);
        Assert.Equal(new StatisticDuration { Count = 1, Ns = 30 * 100 }, s.Fail);
        Assert.Equal(new StatisticDuration { Count = 2, Ns = (10 + 10 + 0 + 0) * 100 }, s.Queue);
        Assert.Equal(new StatisticDuration { Count = 2, Ns = (100 + 100) * 100 }, s.ComputeInput);
        Assert.Equal(new StatisticDuration { Count = 2, Ns = (1000 + 500) * 100 }, s.ComputeInfer);
        Assert.Equal(new StatisticDuration { Count = 2, Ns = (50 + 50) * 100 }, s.ComputeOutput);
        Assert.Equal(s.Success.Ns, s.Queue.Ns + s.ComputeInput.Ns + s.ComputeInfer.Ns + s.ComputeOutput.Ns);
        Assert.Empty(stats.BatchStats);
    }

    [Fact]
    public async Task A_reader_racing_with_requests_never_sees_the_parts_exceed_the_total()
    {
        var counters = new ModelCounters();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                counters.RecordSuccess(new RequestTimings(0, 1, 3, 4, 9, 10), 1, 1);
            }
        })).ToArray();

        for (int i = 0; i < 2000; i++)
        {
            var snapshot = counters.Snapshot(1_000_000_000);
            Assert.True(snapshot.SuccessNs >= snapshot.QueueNs + snapshot.ComputeInputNs + snapshot.ComputeInferNs + snapshot.ComputeOutputNs, snapshot.ToString());
        }

        stop.Cancel();
        await Task.WhenAll(writers);
        var final = counters.Snapshot(1_000_000_000);
        Assert.Equal(final.SuccessCount * 10, final.SuccessNs);
    }
}
