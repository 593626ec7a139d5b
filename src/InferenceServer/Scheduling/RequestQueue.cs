using System.Threading.Channels;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Statistics;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// A model's queue: an unbounded channel under a request-count bound kept with one interlocked counter, so a full
/// queue is refused at once (RESOURCE_EXHAUSTED) and never makes a caller wait for room. Requests dropped while
/// queued (deadline, cancellation) free their slot immediately and are skipped when they reach the head.
/// </summary>
internal sealed class RequestQueue
{
    private readonly Channel<PendingRequest> _channel = Channel.CreateUnbounded<PendingRequest>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    private readonly string _modelName;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly ModelStatisticsCollector _statistics;
    private readonly Action<PendingRequest, InferenceError> _drop;
    private int _count;
    private volatile bool _closed;

    public RequestQueue(string modelName, int capacity, TimeProvider time, ModelStatisticsCollector statistics)
    {
        _modelName = modelName;
        _capacity = capacity;
        _time = time;
        _statistics = statistics;
        _drop = Drop;
    }

    public int Count => Volatile.Read(ref _count);

    public ChannelReader<PendingRequest> Reader => _channel.Reader;

    /// <summary>Admits the request, or answers at once why not (outcome as a value).</summary>
    public PendingRequest? TryEnqueue(InferenceRequest request, out InferenceError? rejection)
    {
        rejection = Admit(request);
        if (rejection is not null)
        {
            return null;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            _statistics.RecordOverloaded();
            rejection = InferenceError.ResourceExhausted(
                $"Model '{_modelName}' queue is full ({_capacity} requests waiting); retry later");
            return null;
        }

        var pending = new PendingRequest(request, _time.GetTimestamp());
        pending.Watch(_time, _drop);
        if (!_channel.Writer.TryWrite(pending))
        {
            Drop(pending, UnloadingError());
        }

        return pending;
    }

    /// <summary>Claims a request read from the channel for a batch; false when it was dropped or its deadline passed.</summary>
    public bool TryTake(PendingRequest pending)
    {
        if (pending.Request.Deadline is { } deadline && deadline <= _time.GetUtcNow())
        {
            Drop(pending, PendingRequest.DeadlineError(pending.Request));
            return false;
        }

        if (!pending.TryTake())
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        _statistics.RecordQueue(ElapsedNs(pending.EnqueuedTimestamp));
        return true;
    }

    /// <summary>Refuses new requests from now on; queued ones stay to be drained.</summary>
    public void Close()
    {
        _closed = true;
        _channel.Writer.TryComplete();
    }

    /// <summary>Answers every request still queued with UNAVAILABLE (shutdown ran out of time).</summary>
    public void DropAll()
    {
        while (_channel.Reader.TryRead(out var pending))
        {
            Drop(pending, UnloadingError());
        }
    }

    public long ElapsedNs(long startTimestamp) => _time.GetElapsedTime(startTimestamp).Ticks * 100;

    private InferenceError? Admit(InferenceRequest request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            return PendingRequest.CancelledError(request);
        }

        if (request.Deadline is { } deadline && deadline <= _time.GetUtcNow())
        {
            return PendingRequest.DeadlineError(request);
        }

        return _closed ? UnloadingError() : null;
    }

    private void Drop(PendingRequest pending, InferenceError error)
    {
        if (pending.TryDrop(error))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private InferenceError UnloadingError() => InferenceError.Unavailable($"Model '{_modelName}' is unloading; it accepts no new requests");
}
