using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Scheduling;

/// <summary>
/// Answer shapes are built once per row count and shared between answers: batches of mixed sizes, one after
/// the other, still give every request its own row count and its own rows, never another request's.
/// </summary>
public sealed class AnswerShapeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Batches_of_mixed_sizes_in_turn_answer_each_request_with_its_own_shape_and_rows()
    {
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 6, Concurrency = 1 }, start: false);
        (int Rows, float Seed)[] first = [(1, 0f), (3, 1000f), (2, 2000f)];
        (int Rows, float Seed)[] second = [(2, 3000f), (1, 4000f), (3, 5000f)];
        var firstTasks = first.Select(r => harness.Scheduler.ScheduleAsync(harness.Request(r.Rows, r.Seed)).AsTask()).ToArray();
        harness.Scheduler.Start();
        var firstOutcomes = await Task.WhenAll(firstTasks).WaitAsync(Timeout);

        var secondOutcomes = await Task.WhenAll(second.Select(r => harness.Scheduler.ScheduleAsync(harness.Request(r.Rows, r.Seed)).AsTask())).WaitAsync(Timeout);

        for (var i = 0; i < first.Length; i++)
        {
            SchedulerHarness.AssertOwnRows(firstOutcomes[i], first[i].Rows, first[i].Seed);
            SchedulerHarness.AssertOwnRows(secondOutcomes[i], second[i].Rows, second[i].Seed);
        }

        // A row count seen in both batches keeps its shape: the first batch's answers were not changed by the second.
        Assert.Equal([1, FakeExecutor.Width], firstOutcomes[0].Outputs![0].Shape);
        Assert.Equal([3, FakeExecutor.Width], firstOutcomes[1].Outputs![0].Shape);
        Assert.Equal([2, 1], firstOutcomes[2].Outputs![1].Shape);
        Assert.Equal(6, harness.Executor.BatchSizes[0]);
    }

    [Fact]
    public async Task A_request_with_more_rows_than_the_model_declares_still_gets_its_own_shape()
    {
        // The scheduler's limit is below the request; the model's max_batch_size (64) is too: nothing cached fits it.
        await using var harness = new SchedulerHarness(new BatchingPolicy { MaxBatchSize = 4, Concurrency = 1 });
        var outcome = await harness.Scheduler.ScheduleAsync(harness.Request(70, 7f)).AsTask().WaitAsync(Timeout);
        var again = await harness.Scheduler.ScheduleAsync(harness.Request(70, 9f)).AsTask().WaitAsync(Timeout);

        SchedulerHarness.AssertOwnRows(outcome, 70, 7f);
        SchedulerHarness.AssertOwnRows(again, 70, 9f);
    }
}
