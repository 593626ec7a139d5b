using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Scheduling;

/// <summary>
/// How a queued request is watched: its own deadline timer only when nothing else enforces the deadline; when the
/// transport cancels the call's token at the deadline (grpc-dotnet), that cancellation is answered as a deadline.
/// </summary>
public sealed class QueueWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_request_whose_token_enforces_its_deadline_arms_no_timer_of_its_own()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        using var call = new CancellationTokenSource();

        var queued = harness.Scheduler.ScheduleAsync(
            harness.Request(1, 100, deadlineIn: TimeSpan.FromMilliseconds(5), cancellationToken: call.Token, deadlineCancelsToken: true)).AsTask();

        Assert.Equal(0, harness.Time.ActiveTimers);
        Assert.Equal(1, harness.Scheduler.QueuedCount);

        // The transport's own timer fires at the deadline and cancels the call: answered as DEADLINE_EXCEEDED.
        harness.Time.Advance(TimeSpan.FromMilliseconds(5));
        await call.CancelAsync();
        Assert.Equal(InferenceErrorCode.DeadlineExceeded, (await queued.WaitAsync(Timeout)).Error?.Code);
        Assert.Equal(0, harness.Scheduler.QueuedCount);

        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
        Assert.DoesNotContain(harness.Executor.Inputs, input => input.Contains(100f));
    }

    [Fact]
    public async Task A_call_cancelled_before_its_deadline_is_answered_as_cancelled()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        using var call = new CancellationTokenSource();

        var queued = harness.Scheduler.ScheduleAsync(
            harness.Request(1, 100, deadlineIn: TimeSpan.FromSeconds(5), cancellationToken: call.Token, deadlineCancelsToken: true)).AsTask();
        await call.CancelAsync();

        Assert.Equal(InferenceErrorCode.Cancelled, (await queued.WaitAsync(Timeout)).Error?.Code);
        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
    }

    [Fact]
    public async Task Without_a_cancellable_token_the_queue_keeps_its_own_deadline_timer()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);

        // The flag alone does not remove the timer: a token that can never be cancelled enforces nothing.
        var queued = harness.Scheduler.ScheduleAsync(
            harness.Request(1, 100, deadlineIn: TimeSpan.FromMilliseconds(5), deadlineCancelsToken: true)).AsTask();
        Assert.Equal(1, harness.Time.ActiveTimers);

        harness.Time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(InferenceErrorCode.DeadlineExceeded, (await queued.WaitAsync(Timeout)).Error?.Code);
        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
    }

    [Fact]
    public async Task A_taken_request_disarms_its_timer()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        var outcome = await harness.Scheduler.ScheduleAsync(harness.Request(2, 0, deadlineIn: TimeSpan.FromSeconds(5))).AsTask().WaitAsync(Timeout);

        SchedulerHarness.AssertOwnRows(outcome, 2, 0);
        Assert.Equal(0, harness.Time.ActiveTimers);
    }
}
