using EnsembleGrpc.InferenceServer.Faults;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Faults;

public sealed class FaultInjectingSchedulerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Failure_rate_one_fails_every_request_with_the_configured_status()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        await using var faulty = new FaultInjectingScheduler(harness.Scheduler, new FaultPlan(TimeSpan.Zero, 1.0, InferenceErrorCode.Internal, false, 7), harness.Time);

        var outcome = await faulty.ScheduleAsync(harness.Request(1));
        Assert.Equal(InferenceErrorCode.Internal, outcome.Error?.Code);
        Assert.Contains("injected fault", outcome.Error!.Message);
        Assert.Equal(0, harness.Executor.Executions);
    }

    [Fact]
    public async Task A_seeded_failure_rate_is_reproducible()
    {
        static async Task<bool[]> Draw(int seed)
        {
            await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
            await using var faulty = new FaultInjectingScheduler(harness.Scheduler, new FaultPlan(TimeSpan.Zero, 0.5, InferenceErrorCode.Unavailable, false, seed), harness.Time);
            var results = new bool[40];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = (await faulty.ScheduleAsync(harness.Request(1))).IsSuccess;
            }

            return results;
        }

        var first = await Draw(42);
        Assert.Equal(first, await Draw(42));
        Assert.Contains(true, first);
        Assert.Contains(false, first);
    }

    [Fact]
    public async Task Latency_delays_the_request_by_the_configured_time()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        await using var faulty = new FaultInjectingScheduler(harness.Scheduler, new FaultPlan(TimeSpan.FromMilliseconds(50), 0, InferenceErrorCode.Unavailable, false, null), harness.Time);

        var pending = faulty.ScheduleAsync(harness.Request(1, 5)).AsTask();
        await harness.Time.WaitForTimersAsync().WaitAsync(Timeout);
        harness.Time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(pending.IsCompleted);
        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        SchedulerHarness.AssertOwnRows(await pending.WaitAsync(Timeout), 1, 5);
    }

    [Fact]
    public async Task Hang_answers_only_when_the_deadline_passes_and_never_runs()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        await using var faulty = new FaultInjectingScheduler(harness.Scheduler, new FaultPlan(TimeSpan.Zero, 0, InferenceErrorCode.Unavailable, true, null), harness.Time);

        var pending = faulty.ScheduleAsync(harness.Request(1, deadlineIn: TimeSpan.FromSeconds(2))).AsTask();
        await harness.Time.WaitForTimersAsync().WaitAsync(Timeout);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(InferenceErrorCode.DeadlineExceeded, (await pending.WaitAsync(Timeout)).Error?.Code);
        Assert.Equal(0, harness.Executor.Executions);
    }

    [Fact]
    public async Task Hang_answers_cancelled_when_the_caller_goes_away_and_unavailable_on_drain()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        var faulty = new FaultInjectingScheduler(harness.Scheduler, new FaultPlan(TimeSpan.Zero, 0, InferenceErrorCode.Unavailable, true, null), harness.Time);
        using var cancel = new CancellationTokenSource();
        var cancelled = faulty.ScheduleAsync(harness.Request(1, cancellationToken: cancel.Token)).AsTask();
        var held = faulty.ScheduleAsync(harness.Request(1)).AsTask();

        await cancel.CancelAsync();
        Assert.Equal(InferenceErrorCode.Cancelled, (await cancelled.WaitAsync(Timeout)).Error?.Code);
        Assert.True(await faulty.DrainAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(InferenceErrorCode.Unavailable, (await held.WaitAsync(Timeout)).Error?.Code);
    }

    [Fact]
    public void A_plan_applies_only_to_the_scoped_models()
    {
        var options = new FaultOptions { FailureRate = 0.5, Models = "a, b" };
        Assert.True(FaultPlan.For(options, "a").IsActive);
        Assert.False(FaultPlan.For(options, "c").IsActive);
        Assert.False(FaultPlan.For(new FaultOptions(), "a").IsActive);
        Assert.True(FaultPlan.For(new FaultOptions { Hang = true }, "any").IsActive);
    }
}
