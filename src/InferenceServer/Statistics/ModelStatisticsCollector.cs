using System.Collections.Concurrent;

namespace EnsembleGrpc.InferenceServer.Statistics;

/// <summary>
/// Per-model counters, updated lock-free from the request path and the batch runner, read as a snapshot by the
/// statistics endpoint. Durations are nanoseconds measured with the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class ModelStatisticsCollector
{
    private readonly DurationCounter _success = new();
    private readonly DurationCounter _fail = new();
    private readonly DurationCounter _queue = new();
    private readonly DurationCounter _computeInput = new();
    private readonly DurationCounter _computeInfer = new();
    private readonly DurationCounter _computeOutput = new();
    private readonly ConcurrentDictionary<int, BatchCounters> _batches = new();
    private long _inferenceCount;
    private long _executionCount;
    private long _lastInferenceMs;
    private long _overloaded;

    public ModelStatisticsCollector(string name, string version)
    {
        Name = name;
        Version = version;
    }

    public string Name { get; }

    public string Version { get; }

    /// <summary>A request answered successfully, <paramref name="ns"/> after it arrived.</summary>
    public void RecordSuccess(long ns) => _success.Add(1, ns);

    /// <summary>A request answered with an error (invalid, rejected, dropped, failed), <paramref name="ns"/> after it arrived.</summary>
    public void RecordFailure(long ns) => _fail.Add(1, ns);

    /// <summary>Requests refused at once because the model's queue was full (RESOURCE_EXHAUSTED), for metrics.</summary>
    public long Overloaded => Volatile.Read(ref _overloaded);

    /// <summary>A request refused because the model's queue was full (it also ends as a failure).</summary>
    public void RecordOverloaded() => Interlocked.Increment(ref _overloaded);

    /// <summary>A request left the queue for a batch after waiting <paramref name="ns"/>.</summary>
    public void RecordQueue(long ns) => _queue.Add(1, ns);

    /// <summary>One model execution of <paramref name="rows"/> rows serving <paramref name="requests"/> requests.</summary>
    public void RecordExecution(int rows, int requests, long inputNs, long inferNs, long outputNs, long nowMs)
    {
        Interlocked.Add(ref _inferenceCount, rows);
        Interlocked.Increment(ref _executionCount);
        _computeInput.Add(requests, inputNs * requests);
        _computeInfer.Add(requests, inferNs * requests);
        _computeOutput.Add(requests, outputNs * requests);
        var batch = _batches.GetOrAdd(rows, static _ => new BatchCounters());
        batch.Input.Add(1, inputNs);
        batch.Infer.Add(1, inferNs);
        batch.Output.Add(1, outputNs);
        InterlockedMax(ref _lastInferenceMs, nowMs);
    }

    public ModelStatisticsSnapshot Snapshot() => new(
        Name,
        Version,
        (ulong)Volatile.Read(ref _lastInferenceMs),
        (ulong)Volatile.Read(ref _inferenceCount),
        (ulong)Volatile.Read(ref _executionCount),
        _success.Read(),
        _fail.Read(),
        _queue.Read(),
        _computeInput.Read(),
        _computeInfer.Read(),
        _computeOutput.Read(),
        [.. _batches.OrderBy(b => b.Key).Select(b => new BatchStatisticsSnapshot(b.Key, b.Value.Input.Read(), b.Value.Infer.Read(), b.Value.Output.Read()))]);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private sealed class BatchCounters
    {
        public DurationCounter Input { get; } = new();

        public DurationCounter Infer { get; } = new();

        public DurationCounter Output { get; } = new();
    }
}
