using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Tests.Fakes;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Measurement;

/// <summary>A step that cannot measure anything ends within its time limit and says why.</summary>
public sealed class StepTimeLimitTests
{
    private static readonly MeasurementOptions Options = new()
    {
        Warmup = TimeSpan.FromSeconds(1),
        Window = TimeSpan.FromSeconds(1),
        Stability = new StabilityCriteria { MaxWindows = 4 },
    };

    private static StepSummary MeasureRate(VirtualClock clock, MeasurementOptions options, double rate, ScriptedBackend backend, int maxOutstanding = 100_000)
    {
        var runner = new StepRunner(clock, options, ServerStatisticsReader.None, NullRunObserver.Instance);
        var load = new RateLoadManager(new RequestExecutor(backend, TestRequests.Factory(), clock), new ConstantArrivals(rate), maxOutstanding);
        var step = runner.MeasureAsync(load, StepDescriptor.ForRate(rate), CancellationToken.None);
        return clock.Run(step, Options.StepTimeLimit(Options.Stability.MaxWindows) + TimeSpan.FromSeconds(2)).Summary;
    }

    [Fact]
    public void Requests_sent_but_never_answered_end_the_step_by_its_limit_with_the_reason()
    {
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(clock, _ => TimeSpan.FromHours(1));

        var summary = MeasureRate(clock, Options, 100, backend);

        Assert.False(summary.Stable);
        Assert.True(summary.Incomplete);
        Assert.Equal("300 requests sent, none completed", summary.NoStableWindow);
        Assert.True(clock.Elapsed <= Options.StepTimeLimit(4) + Options.Window, $"ended at {clock.Elapsed}");
    }

    [Fact]
    public void Every_request_failing_is_the_reason_with_the_servers_message()
    {
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(clock, _ => TimeSpan.FromMilliseconds(1), _ => InferOutcome.Failed(StatusCode.NotFound, "model 'mnist' is not known"));

        var summary = MeasureRate(clock, Options, 100, backend);

        Assert.True(summary.Incomplete);
        Assert.Equal("every request failed (300): NotFound ×300 \"model 'mnist' is not known\"", summary.NoStableWindow);
        Assert.Equal([new FailureGroup("NotFound", "model 'mnist' is not known", 300)], summary.Failures);
    }

    [Fact]
    public void A_generator_far_below_its_target_rate_says_it_cannot_keep_up()
    {
        // One request in flight at most, 50 ms each: 20 requests/s of the 1000/s asked for.
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(clock, _ => TimeSpan.FromMilliseconds(50));

        var summary = MeasureRate(clock, Options, 1000, backend, maxOutstanding: 1);

        Assert.False(summary.Stable);
        Assert.True(summary.Incomplete);
        Assert.StartsWith("sent 20/s of the 1000/s target: the generator (or --max-outstanding) cannot keep up", summary.NoStableWindow, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_past_its_time_limit_ends_there_and_keeps_the_whole_windows()
    {
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(clock, call => TimeSpan.FromMilliseconds(1 + Math.Pow(call.SentAt.TotalSeconds, 2)));
        var options = Options with { MaxStepTime = TimeSpan.FromSeconds(2.5) };

        var summary = MeasureRate(clock, options, 100, backend);

        Assert.False(summary.Stable);
        Assert.True(summary.Incomplete);
        Assert.Equal(1, summary.Windows);
        Assert.Equal("step time limit 2.5 s reached after 1 windows", summary.NoStableWindow);
    }

    [Fact]
    public void Windows_that_disagree_are_the_reason_but_the_step_still_measured()
    {
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(clock, call => TimeSpan.FromMilliseconds(1 + Math.Pow(call.SentAt.TotalSeconds, 3)));

        var summary = MeasureRate(clock, Options, 100, backend);

        Assert.False(summary.Stable);
        Assert.False(summary.Incomplete);
        Assert.Equal("throughput or p99 of the last 3 windows varied more than 10% (4 windows)", summary.NoStableWindow);
    }
}
