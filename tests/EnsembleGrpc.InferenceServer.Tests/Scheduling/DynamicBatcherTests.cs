using EnsembleGrpc.Tests.Shared;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Scheduling;

public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Coalesces_queued_requests_up_to_the_max_batch_size()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 }, gated: true);

        // The first request runs alone and holds the only loop; the next five queue up behind it.
        var first = harness.Scheduler.ScheduleAsync(harness.Request(1, seed: 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        var queued = Enumerable.Range(1, 5).Select(i => harness.Scheduler.ScheduleAsync(harness.Request(1, seed: i * 100)).AsTask()).ToArray();
        Assert.Equal(5, harness.Scheduler.QueuedCount);

        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await first.WaitAsync(Timeout), 1, 0);
        for (var i = 0; i < queued.Length; i++)
        {
            SchedulerHarness.AssertOwnRows(await queued[i].WaitAsync(Timeout), 1, (i + 1) * 100);
        }

        Assert.Equal([1, 4, 1], harness.Executor.BatchSizes);
        var statistics = harness.Statistics.Snapshot();
        Assert.Equal(6UL, statistics.InferenceCount);
        Assert.Equal(3UL, statistics.ExecutionCount);
        Assert.Equal([1, 4], statistics.Batches.Select(b => b.BatchSize));
    }

    [Fact]
    public async Task Gives_each_request_exactly_its_rows_and_never_splits_one()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 6, Concurrency = 1 }, start: false);
        var requests = new[] { (Rows: 1, Seed: 0f), (Rows: 3, Seed: 1000f), (Rows: 2, Seed: 2000f), (Rows: 4, Seed: 3000f) };
        var tasks = requests.Select(r => harness.Scheduler.ScheduleAsync(harness.Request(r.Rows, r.Seed)).AsTask()).ToArray();

        harness.Scheduler.Start();
        for (var i = 0; i < requests.Length; i++)
        {
            SchedulerHarness.AssertOwnRows(await tasks[i].WaitAsync(Timeout), requests[i].Rows, requests[i].Seed);
        }

        // 1+3+2 = 6 fills the first batch; the 4-row request is kept whole for the next one.
        Assert.Equal([6, 4], harness.Executor.BatchSizes);
    }

    [Fact]
    public async Task Runs_a_request_larger_than_the_batch_limit_alone()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 }, start: false);
        var small = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        var large = harness.Scheduler.ScheduleAsync(harness.Request(6, 500)).AsTask();
        harness.Scheduler.Start();

        SchedulerHarness.AssertOwnRows(await small.WaitAsync(Timeout), 1, 0);
        SchedulerHarness.AssertOwnRows(await large.WaitAsync(Timeout), 6, 500);
        Assert.Equal([1, 6], harness.Executor.BatchSizes);
    }

    [Fact]
    public async Task Waits_up_to_the_max_queue_delay_then_flushes()
    {
        var policy = new BatchingPolicy { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromMilliseconds(10), Concurrency = 1 };
        await using var harness = new SchedulerHarness(policy, start: false);
        var a = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        var b = harness.Scheduler.ScheduleAsync(harness.Request(1, 100)).AsTask();
        harness.Scheduler.Start();

        // The batch of 2 is not full: the batcher arms a timer for the oldest request's delay and waits.
        await harness.Time.WaitForTimersAsync().WaitAsync(Timeout);
        harness.Time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.False(a.IsCompleted);
        Assert.Equal(0, harness.Executor.Executions);

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        SchedulerHarness.AssertOwnRows(await a.WaitAsync(Timeout), 1, 0);
        SchedulerHarness.AssertOwnRows(await b.WaitAsync(Timeout), 1, 100);
        Assert.Equal([2], harness.Executor.BatchSizes);
    }

    [Fact]
    public async Task A_request_arriving_within_the_delay_joins_the_waiting_batch()
    {
        var policy = new BatchingPolicy { MaxBatchSize = 2, MaxQueueDelay = TimeSpan.FromSeconds(1), Concurrency = 1 };
        await using var harness = new SchedulerHarness(policy);
        var a = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Time.WaitForTimersAsync().WaitAsync(Timeout);

        // No time passes: the second request fills the batch, which goes at once.
        var b = harness.Scheduler.ScheduleAsync(harness.Request(1, 100)).AsTask();
        SchedulerHarness.AssertOwnRows(await a.WaitAsync(Timeout), 1, 0);
        SchedulerHarness.AssertOwnRows(await b.WaitAsync(Timeout), 1, 100);
        Assert.Equal([2], harness.Executor.BatchSizes);
    }

    [Fact]
    public async Task Sends_a_preferred_batch_size_without_waiting()
    {
        var policy = new BatchingPolicy { MaxBatchSize = 8, PreferredBatchSizes = [2], MaxQueueDelay = TimeSpan.FromSeconds(10), Concurrency = 1 };
        await using var harness = new SchedulerHarness(policy, start: false);
        var a = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        var b = harness.Scheduler.ScheduleAsync(harness.Request(1, 100)).AsTask();
        harness.Scheduler.Start();

        SchedulerHarness.AssertOwnRows(await a.WaitAsync(Timeout), 1, 0);
        SchedulerHarness.AssertOwnRows(await b.WaitAsync(Timeout), 1, 100);
        Assert.Equal([2], harness.Executor.BatchSizes);
    }

    [Fact]
    public async Task A_full_queue_answers_resource_exhausted_at_once()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, MaxQueueSize = 2, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        var queued = new[]
        {
            harness.Scheduler.ScheduleAsync(harness.Request(1, 100)).AsTask(),
            harness.Scheduler.ScheduleAsync(harness.Request(1, 200)).AsTask(),
        };

        var rejected = await harness.Scheduler.ScheduleAsync(harness.Request(1, 300));
        Assert.Equal(InferenceErrorCode.ResourceExhausted, rejected.Error?.Code);
        Assert.Contains("queue is full", rejected.Error!.Message);
        Assert.Equal(1, harness.Statistics.Overloaded); // ensemblegrpc_worker_rejected_overload_total

        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
        SchedulerHarness.AssertOwnRows(await queued[0].WaitAsync(Timeout), 1, 100);
        SchedulerHarness.AssertOwnRows(await queued[1].WaitAsync(Timeout), 1, 200);
        Assert.Equal(0, harness.Scheduler.QueuedCount);

        // Room again.
        SchedulerHarness.AssertOwnRows(await harness.Scheduler.ScheduleAsync(harness.Request(1, 400)).AsTask().WaitAsync(Timeout), 1, 400);
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_in_the_queue_is_dropped_and_never_runs()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        var expiring = harness.Scheduler.ScheduleAsync(harness.Request(1, 100, deadlineIn: TimeSpan.FromMilliseconds(5))).AsTask();
        var patient = harness.Scheduler.ScheduleAsync(harness.Request(1, 200)).AsTask();

        harness.Time.Advance(TimeSpan.FromMilliseconds(5));
        var dropped = await expiring.WaitAsync(Timeout);
        Assert.Equal(InferenceErrorCode.DeadlineExceeded, dropped.Error?.Code);
        Assert.Equal(1, harness.Scheduler.QueuedCount);

        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
        SchedulerHarness.AssertOwnRows(await patient.WaitAsync(Timeout), 1, 200);
        Assert.Equal([1, 1], harness.Executor.BatchSizes);
        Assert.DoesNotContain(harness.Executor.Inputs, input => input.Contains(100f));
    }

    [Fact]
    public async Task A_request_whose_deadline_already_passed_is_refused()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        var outcome = await harness.Scheduler.ScheduleAsync(harness.Request(1, 0, deadlineIn: TimeSpan.Zero));
        Assert.Equal(InferenceErrorCode.DeadlineExceeded, outcome.Error?.Code);
        Assert.Equal(0, harness.Executor.Executions);
    }

    [Fact]
    public async Task A_cancelled_request_is_dropped_and_never_runs()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        using var cancel = new CancellationTokenSource();
        var cancelled = harness.Scheduler.ScheduleAsync(harness.Request(1, 100, cancellationToken: cancel.Token)).AsTask();

        await cancel.CancelAsync();
        Assert.Equal(InferenceErrorCode.Cancelled, (await cancelled.WaitAsync(Timeout)).Error?.Code);
        Assert.Equal(0, harness.Scheduler.QueuedCount);

        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
        Assert.Equal([1], harness.Executor.BatchSizes);
        var snapshot = harness.Statistics.Snapshot();
        Assert.Equal(1UL, snapshot.ExecutionCount);
    }

    [Fact]
    public async Task Executes_up_to_concurrency_batches_at_once()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 1, Concurrency = 2 }, gated: true);
        var tasks = Enumerable.Range(0, 3).Select(i => harness.Scheduler.ScheduleAsync(harness.Request(1, i * 100)).AsTask()).ToArray();
        // Held at the gate: both slots busy and the third request waiting, exactly, before anything may finish.
        await Eventually.WaitUntilAsync(() => harness.Executor.Executions == 2, "two executions entered", Timeout);
        Assert.Equal(1, harness.Scheduler.QueuedCount);
        Assert.Equal(2, harness.Executor.MaxConcurrent);
        harness.Executor.Open();
        await Task.WhenAll(tasks).WaitAsync(Timeout);
        Assert.Equal(2, harness.Executor.MaxConcurrent);
        Assert.Equal(3, harness.Executor.Executions);
    }

    [Fact]
    public async Task An_execution_failure_answers_the_batch_internal_and_the_next_batch_runs()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        harness.Executor.Fail = true;
        var failed = await harness.Scheduler.ScheduleAsync(harness.Request(1, 0));
        Assert.Equal(InferenceErrorCode.Internal, failed.Error?.Code);
        Assert.DoesNotContain("fake failure", failed.Error!.Message);

        harness.Executor.Fail = false;
        SchedulerHarness.AssertOwnRows(await harness.Scheduler.ScheduleAsync(harness.Request(2, 10)), 2, 10);
    }

    [Fact]
    public async Task Drain_answers_queued_requests_and_refuses_new_ones()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 1, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        var queued = harness.Scheduler.ScheduleAsync(harness.Request(1, 100)).AsTask();

        var drain = harness.Scheduler.DrainAsync(CancellationToken.None);
        var refused = await harness.Scheduler.ScheduleAsync(harness.Request(1, 200));
        Assert.Equal(InferenceErrorCode.Unavailable, refused.Error?.Code);
        Assert.False(drain.IsCompleted);

        harness.Executor.Open();
        Assert.True(await drain.WaitAsync(Timeout));
        SchedulerHarness.AssertOwnRows(await running, 1, 0);
        SchedulerHarness.AssertOwnRows(await queued, 1, 100);
    }

    [Fact]
    public async Task Drain_that_runs_out_of_time_answers_queued_requests_unavailable()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 1, Concurrency = 1 }, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        var queued = harness.Scheduler.ScheduleAsync(harness.Request(1, 100)).AsTask();

        Assert.False(await harness.Scheduler.DrainAsync(new CancellationToken(canceled: true)));
        Assert.Equal(InferenceErrorCode.Unavailable, (await queued.WaitAsync(Timeout)).Error?.Code);
        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
        Assert.Equal(1, harness.Executor.Executions);
    }
}
