using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// Triton's dynamic batcher. A loop forms a batch only when it is free to execute it, so while every loop is
/// busy requests pile up and the next batch is larger: batching grows with load even with no queue delay.
/// Forming a batch (one loop at a time):
/// <list type="number">
/// <item>wait for the first live request;</item>
/// <item>add queued requests in arrival order while the rows fit <see cref="BatchingPolicy.MaxBatchSize"/>
/// (a request is never split; one that does not fit waits for the next batch, and a request larger than the
/// limit runs alone);</item>
/// <item>send the batch when it is full, when its size is a preferred batch size and nothing more is queued,
/// or when its oldest request has waited <see cref="BatchingPolicy.MaxQueueDelay"/>; otherwise wait for more.</item>
/// </list>
/// Waiting uses the injected <see cref="TimeProvider"/>, so tests drive the delay without sleeping.
/// </summary>
internal sealed class DynamicBatcher : QueuedScheduler
{
    private readonly SemaphoreSlim _formLock = new(1, 1);

    // The channel's pending wait, kept across attempts so that a timed-out wait is reused rather than leaked.
    // Only the loop holding _formLock touches it.
    private Task<bool>? _pendingWait;

    public DynamicBatcher(ModelDefinition model, BatchingPolicy policy, IModelExecutor executor, ModelStatisticsCollector statistics, TimeProvider time, ILogger logger)
        : base(model, policy, executor, statistics, time, logger)
    {
    }

    protected override async Task RunLoopAsync()
    {
        while (true)
        {
            List<PendingRequest>? batch;
            await _formLock.WaitAsync().ConfigureAwait(false);
            try
            {
                batch = await FormBatchAsync().ConfigureAwait(false);
            }
            finally
            {
                _formLock.Release();
            }

            if (batch is null)
            {
                return;
            }

            Runner.Run(batch);
        }
    }

    private async Task<List<PendingRequest>?> FormBatchAsync()
    {
        var first = await ReadFirstAsync().ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        var batch = new List<PendingRequest> { first };
        var rows = first.Rows;
        var reader = Queue.Reader;
        while (rows < Policy.MaxBatchSize)
        {
            var full = false;
            while (reader.TryPeek(out var next))
            {
                if (!next.IsDropped && rows + next.Rows > Policy.MaxBatchSize)
                {
                    full = true;
                    break;
                }

                if (!reader.TryRead(out var taken))
                {
                    break;
                }

                // Only a shutdown's DropAll reads beside us; whatever it left us is dropped all the same.
                if (!ReferenceEquals(taken, next) || !Queue.TryTake(taken))
                {
                    continue;
                }

                batch.Add(taken);
                rows += taken.Rows;
            }

            if (full || rows >= Policy.MaxBatchSize || Contains(Policy.PreferredBatchSizes, rows))
            {
                break;
            }

            var remaining = Policy.MaxQueueDelay - Time.GetElapsedTime(first.EnqueuedTimestamp);
            if (remaining <= TimeSpan.Zero || !await WaitForMoreAsync(remaining).ConfigureAwait(false))
            {
                break;
            }
        }

        return batch;
    }

    private async Task<PendingRequest?> ReadFirstAsync()
    {
        var reader = Queue.Reader;
        while (true)
        {
            while (reader.TryRead(out var pending))
            {
                if (Queue.TryTake(pending))
                {
                    return pending;
                }
            }

            if (!await WaitForMoreAsync(Timeout.InfiniteTimeSpan).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>True when something may be queued; false when <paramref name="timeout"/> passed or the queue is closed and empty.</summary>
    private async Task<bool> WaitForMoreAsync(TimeSpan timeout)
    {
        var wait = _pendingWait ??= Queue.Reader.WaitToReadAsync().AsTask();
        if (!wait.IsCompleted && timeout != Timeout.InfiniteTimeSpan)
        {
            var elapsed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (Time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), elapsed, timeout, Timeout.InfiniteTimeSpan))
            {
                await Task.WhenAny(wait, elapsed.Task).ConfigureAwait(false);
            }

            if (!wait.IsCompleted)
            {
                return false;
            }
        }

        _pendingWait = null;
        return await wait.ConfigureAwait(false);
    }

    private static bool Contains(IReadOnlyList<int> sizes, int rows)
    {
        foreach (var size in sizes)
        {
            if (size == rows)
            {
                return true;
            }
        }

        return false;
    }
}
