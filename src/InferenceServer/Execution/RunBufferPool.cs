using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Reusable <see cref="RunBuffers"/> per batch size: a run rents a set, fills its inputs, runs and returns it.
/// At most <c>concurrency</c> sets per batch size ever exist at once; the batch sizes a model sees are few
/// (the batcher's sizes up to max_batch_size). Kept sets are bounded by a byte budget, beyond which a set is
/// freed after its run instead of kept, so a huge max batch size cannot pin unbounded memory.
/// </summary>
internal sealed class RunBufferPool : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtTensorLayout _layout;
    private readonly long _budgetBytes;
    private readonly ConcurrentDictionary<int, ConcurrentBag<RunBuffers>> _free = new();
    private long _keptBytes;
    private volatile bool _disposed;

    public RunBufferPool(InferenceSession session, OrtTensorLayout layout, long budgetBytes)
    {
        _session = session;
        _layout = layout;
        _budgetBytes = budgetBytes;
    }

    /// <summary>Bytes of the sets created and kept for reuse (those freed after their run are not counted).</summary>
    public long KeptBytes => Interlocked.Read(ref _keptBytes);

    public RunBuffers Rent(int batchSize)
        => _free.TryGetValue(batchSize, out var bag) && bag.TryTake(out var buffers) ? buffers : new RunBuffers(_session, _layout, batchSize);

    public void Return(RunBuffers buffers)
    {
        if (!_disposed && (buffers.Kept || Keep(buffers)))
        {
            _free.GetOrAdd(buffers.BatchSize, static _ => []).Add(buffers);
            return;
        }

        buffers.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var buffers in _free.Values.SelectMany(b => b))
        {
            buffers.Dispose();
        }
    }

    private bool Keep(RunBuffers buffers)
    {
        if (Interlocked.Add(ref _keptBytes, buffers.Bytes) <= _budgetBytes)
        {
            buffers.Kept = true;
            return true;
        }

        Interlocked.Add(ref _keptBytes, -buffers.Bytes);
        return false;
    }
}
