using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Scheduling;

public sealed class DirectSchedulerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Runs_every_request_as_its_own_execution()
    {
        var policy = new BatchingPolicy { Kind = SchedulerKind.Direct, MaxBatchSize = 8, Concurrency = 1 };
        await using var harness = new SchedulerHarness(policy, start: false);
        var tasks = new[] { (1, 0f), (3, 100f), (2, 200f) }
            .Select(r => (r.Item1, r.Item2, Task: harness.Scheduler.ScheduleAsync(harness.Request(r.Item1, r.Item2)).AsTask()))
            .ToArray();
        harness.Scheduler.Start();

        foreach (var (rows, seed, task) in tasks)
        {
            SchedulerHarness.AssertOwnRows(await task.WaitAsync(Timeout), rows, seed);
        }

        Assert.Equal([1, 3, 2], harness.Executor.BatchSizes);
    }

    [Fact]
    public async Task Bounds_its_queue_and_drops_expired_requests()
    {
        var policy = new BatchingPolicy { Kind = SchedulerKind.Direct, MaxBatchSize = 8, MaxQueueSize = 1, Concurrency = 1 };
        await using var harness = new SchedulerHarness(policy, gated: true);
        var running = harness.Scheduler.ScheduleAsync(harness.Request(1, 0)).AsTask();
        await harness.Executor.Entered.WaitAsync(Timeout);
        var expiring = harness.Scheduler.ScheduleAsync(harness.Request(1, 100, deadlineIn: TimeSpan.FromSeconds(1))).AsTask();
        Assert.Equal(InferenceErrorCode.ResourceExhausted, (await harness.Scheduler.ScheduleAsync(harness.Request(1, 200))).Error?.Code);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(InferenceErrorCode.DeadlineExceeded, (await expiring.WaitAsync(Timeout)).Error?.Code);
        harness.Executor.Open();
        SchedulerHarness.AssertOwnRows(await running.WaitAsync(Timeout), 1, 0);
        Assert.Equal(1, harness.Executor.Executions);
    }
}
