using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Tests.Fakes;

namespace EnsembleGrpc.LoadGen.Tests.Load;

/// <summary>Open-loop scheduling and coordinated omission, on a virtual clock against a scripted backend.</summary>
public sealed class OpenLoopTests
{
    private static readonly TimeSpan StallStart = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StallEnd = TimeSpan.FromSeconds(2);

    /// <summary>1 ms per request, except that the server stalls from 1 s to 2 s: anything sent then ends at 2 s + 1 ms.</summary>
    private static TimeSpan StallScript(ScriptedCall call)
        => call.SentAt >= StallStart && call.SentAt < StallEnd ? StallEnd - call.SentAt + TimeSpan.FromMilliseconds(1) : TimeSpan.FromMilliseconds(1);

    private static (List<RequestRecord> Records, StepSummary Summary) Run(ArrivalSchedule schedule, int maxOutstanding, TimeSpan duration, Func<ScriptedCall, TimeSpan> script)
    {
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(clock, script);
        var manager = new RateLoadManager(new RequestExecutor(backend, TestRequests.Factory(), clock), schedule, maxOutstanding);
        var buffer = new RecordBuffer();
        using var stop = new CancellationTokenSource();
        _ = clock.CancelAt(duration, stop);
        var run = manager.RunAsync(buffer, stop.Token, CancellationToken.None);
        clock.Run(run);
        var records = buffer.Swap().OrderBy(r => r.Intended).ToList();
        var summary = new RecordAnalyzer(clock, TimeSpan.FromMilliseconds(1)).Summarize("rate 100/s", "rate", records, duration.TotalSeconds);
        return (records, summary);
    }

    [Fact]
    public void Constant_arrivals_leave_exactly_on_schedule()
    {
        var (records, summary) = Run(new ConstantArrivals(100), 10_000, TimeSpan.FromSeconds(2), _ => TimeSpan.FromMilliseconds(3));

        Assert.Equal(200, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(VirtualClock.Ms(i * 10), records[i].Intended);
            Assert.Equal(records[i].Intended, records[i].Sent);
        }

        Assert.Equal(0, summary.LateSends);
        Assert.Equal(100, summary.Throughput, 6);
        Assert.Equal(1.0, summary.Accuracy); // the scripted backend echoes the labels
        Assert.InRange(summary.Latency.P99Ms, 3 * (1 - LatencyHistogram.RelativeErrorBound), 3 * (1 + LatencyHistogram.RelativeErrorBound));
    }

    [Fact]
    public void A_one_second_stall_shows_in_the_latency_of_every_request_scheduled_during_it()
    {
        // 100 rps for 10 s: 1000 requests, of which the 100 intended within the stall end at 2.001 s.
        var (records, summary) = Run(new ConstantArrivals(100), 10_000, TimeSpan.FromSeconds(10), StallScript);

        Assert.Equal(1000, records.Count);
        Assert.Equal(0, summary.LateSends); // the open loop kept sending on time during the stall
        var inStall = records.Where(r => r.Intended >= VirtualClock.Ms(1000) && r.Intended < VirtualClock.Ms(2000)).ToList();
        Assert.Equal(100, inStall.Count);
        Assert.All(inStall, r => Assert.Equal(VirtualClock.Ms(2001), r.Completed));
        Assert.Equal(50, inStall.Count(r => r.Latency > VirtualClock.Ms(505))); // half of that second waits more than 0.5 s

        // Percentiles: 900 requests at 1 ms, then 11 ms, 21 ms, ... 1001 ms.
        AssertNear(1, summary.Latency.P50Ms);
        AssertNear(1, summary.Latency.P90Ms);
        AssertNear(501, summary.Latency.P95Ms);
        AssertNear(901, summary.Latency.P99Ms);
        AssertNear(1001, summary.Latency.MaxMs);
    }

    [Fact]
    public void A_sender_that_cannot_keep_up_is_counted_late_and_latency_still_counts_from_the_intended_time()
    {
        // One request in flight at most: during the stall the sender is blocked, like a closed loop. A tool that
        // timed from the actual send would see 1 ms everywhere but one request (coordinated omission).
        var (records, summary) = Run(new ConstantArrivals(100), 1, TimeSpan.FromSeconds(10), StallScript);

        // The stall's backlog (99 sends) plus the sends scheduled while it drains at 1 ms each (about 11 more).
        Assert.InRange(summary.LateSends, 99, 115);
        Assert.Equal(summary.LateSends / (double)summary.Requests, summary.LateShare, 9);
        Assert.InRange(summary.MaxSendDelayMs, 985, 1001);
        Assert.True(summary.Latency.P99Ms > 800, $"p99 from intended time {summary.Latency.P99Ms} ms");
        Assert.True(summary.ServiceTime.P99Ms < 1.1, $"p99 of service time {summary.ServiceTime.P99Ms} ms");
        var delayed = records.Where(r => r.SendDelay > VirtualClock.Ms(1)).ToList();
        Assert.All(delayed, r => Assert.True(r.Latency >= r.ServiceTime));
    }

    [Fact]
    public void Poisson_arrivals_are_reproducible_from_the_seed_and_keep_the_mean_rate()
    {
        var first = Run(new PoissonArrivals(200, new Random(5)), 10_000, TimeSpan.FromSeconds(20), _ => TimeSpan.FromMilliseconds(2)).Records;
        var second = Run(new PoissonArrivals(200, new Random(5)), 10_000, TimeSpan.FromSeconds(20), _ => TimeSpan.FromMilliseconds(2)).Records;

        Assert.Equal(first.Select(r => r.Intended), second.Select(r => r.Intended));
        Assert.InRange(first.Count, 3800, 4200);
        var gaps = first.Zip(first.Skip(1), (a, b) => (b.Intended - a.Intended) / 1e9).ToArray();
        var cv = Math.Sqrt(gaps.Select(g => Math.Pow(g - gaps.Average(), 2)).Average()) / gaps.Average();
        Assert.InRange(cv, 0.9, 1.1); // exponential gaps: coefficient of variation 1
    }

    private static void AssertNear(double expectedMs, double actualMs)
        => Assert.InRange(actualMs, expectedMs * (1 - LatencyHistogram.RelativeErrorBound) - 1e-9, expectedMs * (1 + LatencyHistogram.RelativeErrorBound) + 1e-9);
}
