using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Tests.Fakes;

namespace EnsembleGrpc.LoadGen.Tests.Load;

/// <summary>
/// The default open loop (constant arrivals) from 1 to 50,000 requests/s, measured end to end by the step runner on
/// a virtual clock: every window closes, and every send leaves on its exact slot.
/// </summary>
public sealed class ConstantScheduleTests
{
    private static readonly MeasurementOptions Options = new()
    {
        Warmup = TimeSpan.FromSeconds(1),
        Window = TimeSpan.FromSeconds(1),
        Stability = new StabilityCriteria { MaxWindows = 5 },
    };

    private static (StepMeasurement Measured, ScriptedBackend Backend) Measure(VirtualClock clock, double rate, TimeSpan latency, int maxOutstanding = 100_000)
    {
        var backend = new ScriptedBackend(clock, _ => latency);
        var runner = new StepRunner(clock, Options, ServerStatisticsReader.None, NullRunObserver.Instance);
        var load = new RateLoadManager(new RequestExecutor(backend, TestRequests.Factory(), clock), new ConstantArrivals(rate), maxOutstanding);
        var measured = clock.Run(runner.MeasureAsync(load, StepDescriptor.ForRate(rate), CancellationToken.None), TimeSpan.FromMinutes(1));
        return (measured, backend);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(300)]
    [InlineData(450)]
    [InlineData(2000)]
    [InlineData(7919)]
    [InlineData(50_000)]
    public void Every_send_leaves_on_its_slot_and_the_step_is_stable_after_three_windows(double rate)
    {
        var clock = new VirtualClock();
        var (measured, _) = Measure(clock, rate, TimeSpan.FromMilliseconds(1));
        var summary = measured.Summary;

        Assert.True(summary.Stable, summary.NoStableWindow);
        Assert.Null(summary.NoStableWindow);
        Assert.False(summary.Incomplete);
        Assert.Equal(3, summary.Windows);
        Assert.Equal(rate, summary.Throughput, 6);
        Assert.Equal(3 * rate, summary.Requests);
        Assert.Equal(3 * rate, summary.Sent);
        Assert.Equal(0, summary.LateSends);
        var slot = 1e9 / rate;
        Assert.All(measured.Records, r =>
        {
            Assert.Equal(r.Intended, r.Sent);
            var n = Math.Round(r.Intended / slot);
            Assert.Equal((long)Math.Round(n * slot), r.Intended); // the n-th slot exactly: no drift at any rate
        });
    }

    [Theory]
    [InlineData(450)]
    [InlineData(2000)]
    [InlineData(50_000)]
    public void Waits_below_timer_resolution_spin_and_the_loop_still_hands_control_back(double rate)
    {
        // Like the system clock: a wait under 2.5 ms never suspends (Task.Delay truncates to whole milliseconds and
        // the rest is a spin). A loop of such waits that never yields keeps the step runner from ever starting a window.
        var clock = new VirtualClock { SpinBelow = TimeSpan.FromMilliseconds(2.5) };
        var (measured, backend) = Measure(clock, rate, TimeSpan.FromMilliseconds(5));
        var summary = measured.Summary;

        Assert.InRange(summary.Windows, 3, Options.Stability.MaxWindows);
        Assert.InRange(summary.Throughput, rate * 0.98, rate * 1.02);
        Assert.InRange(summary.Sent / summary.DurationSeconds, rate * 0.98, rate * 1.02);
        Assert.False(summary.Incomplete, summary.NoStableWindow);
        Assert.True(backend.Calls > 0);
    }

    [Fact]
    public void The_send_loop_returns_to_its_caller_before_the_first_send()
    {
        var clock = new VirtualClock { SpinBelow = TimeSpan.FromMilliseconds(2.5) };
        var backend = new ScriptedBackend(clock, _ => TimeSpan.FromMilliseconds(5));
        var load = new RateLoadManager(new RequestExecutor(backend, TestRequests.Factory(), clock), new ConstantArrivals(2000), 100_000);
        using var stop = new CancellationTokenSource();

        var run = load.RunAsync(new RecordBuffer(), stop.Token, CancellationToken.None);

        Assert.False(run.IsCompleted);
        Assert.Equal(0, backend.Calls);
        _ = clock.CancelAt(TimeSpan.FromMilliseconds(100), stop);
        clock.Run(run, TimeSpan.FromSeconds(1));
        Assert.InRange(backend.Calls, 199, 201);
    }
}
