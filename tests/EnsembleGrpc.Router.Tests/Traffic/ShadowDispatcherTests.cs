using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Traffic;
using Microsoft.Extensions.Logging.Abstractions;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Traffic;

public sealed class ShadowDispatcherTests
{
    [Fact]
    public async Task A_full_queue_drops_and_counts_without_blocking_then_agreement_is_recorded()
    {
        var invoker = new GatedInvoker();
        var statistics = new TrafficStatistics();
        var executor = new EnsembleExecutor(new FanOutExecutor(invoker, TimeProvider.System), AggregationStrategies.CreateDefault());
        using var dispatcher = new ShadowDispatcher(executor, statistics, TimeProvider.System, NullLogger<ShadowDispatcher>.Instance);
        var members = new[] { Member("a") };
        var arm = Arm("shadow", "bagging", 0, members);
        var ensemble = EnsembleOf(members, [Arm("primary", "bagging", 1, members), arm]);
        var shadow = new ShadowModel { Arm = arm, SamplePercent = 100, QueueCapacity = 2, Concurrency = 1 };
        var input = new ModelInput(new float[784], 1);

        // The single consumer takes the first copy and blocks in the gated member call.
        Assert.True(dispatcher.TryEnqueue(Item("r1", ensemble, arm, input, primary: 1), shadow));
        await invoker.FirstCallStarted.WaitAsync(TimeSpan.FromSeconds(30));
        // Two more fill the queue (capacity 2); the next three are dropped at once: TryEnqueue never waits.
        Assert.True(dispatcher.TryEnqueue(Item("r2", ensemble, arm, input, primary: 1), shadow));
        Assert.True(dispatcher.TryEnqueue(Item("r3", ensemble, arm, input, primary: 2), shadow));
        for (int i = 4; i <= 6; i++)
        {
            Assert.False(dispatcher.TryEnqueue(Item($"r{i}", ensemble, arm, input, primary: 1), shadow));
        }

        var counters = statistics.Shadow("mnist");
        Assert.Equal(3, counters.Enqueued);
        Assert.Equal(3, counters.Dropped);
        Assert.Equal(0, counters.Completed);

        invoker.Release();
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal(3, counters.Completed);
        Assert.Equal(3, counters.ComparedRows);
        Assert.Equal(2, counters.AgreedRows);
        Assert.Equal(0, counters.Errors);
        Assert.Equal(3, counters.Latency.Snapshot().Count);
    }

    [Fact]
    public void Sampling_follows_the_percentage()
    {
        var members = new[] { Member("a") };
        var shadow = new ShadowModel { Arm = Arm("s", "bagging", 0, members), SamplePercent = 10, QueueCapacity = 1, Concurrency = 1 };
        var random = new Random(3);

        int sampled = Enumerable.Range(0, 10_000).Count(_ => ShadowDispatcher.ShouldSample(shadow, random));

        Assert.InRange(sampled, 800, 1200);
        Assert.False(ShadowDispatcher.ShouldSample(shadow with { SamplePercent = 0 }, random));
        Assert.True(ShadowDispatcher.ShouldSample(shadow with { SamplePercent = 100 }, random));
    }

    private static ShadowWorkItem Item(string id, EnsembleModel ensemble, ArmModel arm, ModelInput input, int primary) => new(id, ensemble, arm, input, [primary]);

    /// <summary>Answers class 1 for every member call, but only once released.</summary>
    private sealed class GatedInvoker : IMemberInvoker
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstCallStarted => _started.Task;

        public void Release() => _release.TrySetResult();

        public async Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
            return MemberOutcome.Success(member.Name, "http://x", Row(1, 0.9f), TimeSpan.FromMilliseconds(1));
        }
    }
}
