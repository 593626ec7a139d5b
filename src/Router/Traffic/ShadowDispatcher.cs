using System.Collections.Concurrent;
using System.Threading.Channels;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// Runs shadow traffic off the hot path: the primary request only tries to write to a bounded channel (never waits);
/// a full channel drops the copy and counts it. A fixed number of consumers per ensemble run the shadow arm and record
/// agreement with the primary, latency and errors. The shadow's answer is never returned to anyone.
/// </summary>
public sealed partial class ShadowDispatcher(
    EnsembleExecutor executor, TrafficStatistics statistics, TimeProvider timeProvider, ILogger<ShadowDispatcher> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, ShadowQueue> _queues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <summary>Whether this request should be copied to the shadow (the injected randomness decides).</summary>
    public static bool ShouldSample(ShadowModel shadow, Random random) =>
        shadow.SamplePercent >= 100 || (shadow.SamplePercent > 0 && random.NextDouble() * 100 < shadow.SamplePercent);

    /// <summary>Hands a copy to the shadow without waiting; false (and counted) when its queue is full.</summary>
    public bool TryEnqueue(ShadowWorkItem item, ShadowModel shadow)
    {
        var counters = statistics.Shadow(item.Ensemble.Name);
        var queue = GetQueue(item.Ensemble.Name, shadow);
        if (queue.Channel.Writer.TryWrite(item))
        {
            counters.RecordEnqueued();
            return true;
        }

        counters.RecordDropped();
        Log.Dropped(logger, item.Ensemble.Name, item.RequestId);
        return false;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Lets the consumers finish what is queued until <paramref name="cancellationToken"/> (the host's shutdown timeout), then cancels them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] consumers;
        lock (_queues)
        {
            foreach (var queue in _queues.Values)
            {
                queue.Channel.Writer.TryComplete();
            }

            consumers = _queues.Values.SelectMany(q => q.Consumers).ToArray();
        }

        try
        {
            await Task.WhenAll(consumers).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown timeout: abandon the rest of the shadow work.
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    // The container may dispose this twice (it is registered as itself and as a hosted service).
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private ShadowQueue GetQueue(string ensemble, ShadowModel shadow)
    {
        if (_queues.TryGetValue(ensemble, out var queue) && queue.Capacity == shadow.QueueCapacity && queue.Concurrency == shadow.Concurrency)
        {
            return queue;
        }

        lock (_queues)
        {
            if (_queues.TryGetValue(ensemble, out queue) && queue.Capacity == shadow.QueueCapacity && queue.Concurrency == shadow.Concurrency)
            {
                return queue;
            }

            // New sizes after a reload: a fresh queue; the old one's consumers finish what it holds and exit.
            queue?.Channel.Writer.TryComplete();
            var created = new ShadowQueue(shadow.QueueCapacity, shadow.Concurrency);
            for (int i = 0; i < shadow.Concurrency; i++)
            {
                created.Consumers.Add(Task.Run(() => ConsumeAsync(created.Channel.Reader)));
            }

            _queues[ensemble] = created;
            return created;
        }
    }

    private async Task ConsumeAsync(ChannelReader<ShadowWorkItem> reader)
    {
        var token = _stopping.Token;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    await RunAsync(item, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Shutting down: shadow work is best effort.
        }
    }

    private async Task RunAsync(ShadowWorkItem item, CancellationToken token)
    {
        var counters = statistics.Shadow(item.Ensemble.Name);
        long started = timeProvider.GetTimestamp();
        EnsembleResult result;
        try
        {
            // Same members as the primary: their outputs are aggregated again with the shadow's strategy, no calls.
            // Otherwise the shadow calls its members on its own lane (own breakers, lower priority, shed first).
            result = item.PrimaryOutcomes is { } shared
                ? executor.Aggregate(item.Ensemble, item.Arm, item.Input.BatchSize, shared, callerCancelled: false)
                : await executor.ExecuteAsync(item.Ensemble, item.Arm, item.Input, CallLane.Shadow, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            counters.RecordError(timeProvider.GetElapsedTime(started));
            Log.ShadowFailed(logger, item.Ensemble.Name, item.RequestId, ex.GetType().Name);
            return;
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        if (result.Kind != EnsembleResultKind.Answered || result.Predictions is null)
        {
            if (result.Kind == EnsembleResultKind.Unavailable && result.Outcomes.Any(o => o.Failure == MemberFailureKind.Shed))
            {
                // Not run because the primary path was busy: a drop by design, not an error of the shadow.
                counters.RecordShed();
                Log.ShadowShed(logger, item.Ensemble.Name, item.RequestId);
            }
            else if (result.Kind == EnsembleResultKind.Unavailable)
            {
                counters.RecordError(elapsed, result.Outcomes.Where(o => !o.Succeeded).Select(o => o.Failure).Distinct());
                Log.ShadowUnavailable(logger, item.Ensemble.Name, item.RequestId, result.Detail ?? result.Message ?? "");
            }
            else if (result.Kind == EnsembleResultKind.Rejected)
            {
                // The primary answered the same input, so a rejection says the shadow arm's members differ (e.g. a
                // model not deployed there): worth counting by cause, not an error of the shadow.
                var cause = result.Outcomes.Select(o => o.Failure).FirstOrDefault(k => k.IsCallerBlamed(), MemberFailureKind.RejectedInvalid);
                counters.RecordRejected(elapsed, cause);
            }

            return;
        }

        int agreed = 0;
        for (int i = 0; i < result.Predictions.Length && i < item.PrimaryPredictions.Length; i++)
        {
            if (result.Predictions[i] == item.PrimaryPredictions[i])
            {
                agreed++;
            }
        }

        counters.RecordCompleted(elapsed, item.PrimaryPredictions.Length, agreed);
    }

    private sealed class ShadowQueue(int capacity, int concurrency)
    {
        public int Capacity { get; } = capacity;

        public int Concurrency { get; } = concurrency;

        // FullMode.Wait makes TryWrite return false when full (the other modes drop silently), so drops are counted.
        public Channel<ShadowWorkItem> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<ShadowWorkItem>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false, SingleReader = concurrency == 1 });

        public List<Task> Consumers { get; } = [];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, EventName = "ShadowDropped", Level = LogLevel.Debug, Message = "Shadow queue of '{Ensemble}' is full; copy of request {RequestId} dropped.")]
        public static partial void Dropped(ILogger logger, string ensemble, string requestId);

        [LoggerMessage(EventId = 501, EventName = "ShadowFailed", Level = LogLevel.Warning, Message = "Shadow run of '{Ensemble}' for request {RequestId} failed ({Error}).")]
        public static partial void ShadowFailed(ILogger logger, string ensemble, string requestId, string error);

        [LoggerMessage(EventId = 503, EventName = "ShadowShed", Level = LogLevel.Debug, Message = "Shadow copy of request {RequestId} of '{Ensemble}' shed: the primary path is busy.")]
        public static partial void ShadowShed(ILogger logger, string ensemble, string requestId);

        [LoggerMessage(EventId = 502, EventName = "ShadowUnavailable", Level = LogLevel.Debug, Message = "Shadow arm of '{Ensemble}' gave no answer for request {RequestId}: {Message}")]
        public static partial void ShadowUnavailable(ILogger logger, string ensemble, string requestId, string message);
    }
}
