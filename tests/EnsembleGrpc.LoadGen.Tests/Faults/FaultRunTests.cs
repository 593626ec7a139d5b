using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Profiling;
using EnsembleGrpc.LoadGen.Tests.Fakes;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Faults;

public sealed class FaultRunTests
{
    [Fact]
    public void Success_fallback_and_p99_are_reported_inside_and_outside_the_fault_window()
    {
        var clock = new VirtualClock();
        var injector = new FakeInjector(clock);

        // While the fault is on, the "router" answers from the remaining members: flagged fallback, 20 ms;
        // one request in ten fails UNAVAILABLE.
        var backend = new ScriptedBackend(
            clock,
            _ => injector.Active ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromMilliseconds(2),
            call => injector.Active
                ? call.Index % 10 == 0 ? InferOutcome.Failed(StatusCode.Unavailable, "member down") : new InferOutcome { Status = StatusCode.OK, Fallback = true, Strategy = "bagging", Predictions = call.Request.Labels }
                : new InferOutcome { Status = StatusCode.OK, Strategy = "vote", Predictions = call.Request.Labels });
        var options = new MeasurementOptions { Warmup = TimeSpan.FromSeconds(1), Window = TimeSpan.FromSeconds(1) };
        var profiler = new Profiler(backend, TestRequests.Factory(), clock, options, ServerStatisticsReader.None, NullRunObserver.Instance, new ProfilerOptions());
        var plan = new FaultPlan(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

        var (step, fault) = clock.Run(profiler.FaultRunAsync(plan, injector, rate: 200, concurrency: 1, CancellationToken.None));

        Assert.Equal(["begin@5000", "end@7000"], injector.Log); // measurement starts after the 1 s warm-up
        Assert.Equal(4, fault.BeganAtSeconds, 6);
        Assert.Equal(6, fault.EndedAtSeconds, 6);
        Assert.Equal(1, fault.Before.SuccessRate);
        Assert.Equal(0, fault.Before.FallbackRate);
        Assert.InRange(fault.During.SuccessRate, 0.89, 0.91);
        Assert.Equal(1, fault.During.FallbackRate);
        Assert.InRange(fault.During.Latency.P99Ms, 19.9, 20.1);
        Assert.InRange(fault.Outside.Latency.P99Ms, 1.99, 2.01);
        Assert.Equal(1, fault.After.SuccessRate);
        Assert.Equal(10, fault.Timeline.Count);
        Assert.Equal(0.9, fault.Timeline[4].SuccessRate, 2);
        Assert.Equal(["bagging", "vote"], step.ByStrategy.Select(s => s.Name));
        Assert.Equal(400, fault.During.Requests); // 2 s at 200 requests/s
    }

    private sealed class FakeInjector(VirtualClock clock) : IFaultInjector
    {
        public bool Active { get; private set; }

        public List<string> Log { get; } = [];

        public string Description => "fake fault";

        public Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task BeginAsync(CancellationToken cancellationToken)
        {
            Active = true;
            Log.Add($"begin@{clock.Now / 1_000_000}");
            return Task.CompletedTask;
        }

        public Task EndAsync(CancellationToken cancellationToken)
        {
            Active = false;
            Log.Add($"end@{clock.Now / 1_000_000}");
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
