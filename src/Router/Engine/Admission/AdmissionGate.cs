namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// The slots and the bounded queue behind <see cref="AdmissionController"/>. A freed slot goes straight to a waiter
/// (never back to the pool while anyone waits), the oldest or, under overload with
/// <see cref="AdmissionQueueOrder.AdaptiveLifo"/>, the newest. Why not <c>ConcurrencyLimiter</c>: its newest-first
/// order is fixed, and when its queue is full it evicts the oldest waiter instead of refusing the newcomer.
/// </summary>
internal sealed class AdmissionGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<AdmissionWaiter> _queue = new();
    private readonly int _slots;
    private readonly int _queueLimit;
    private readonly bool _adaptiveLifo;
    private readonly TimeSpan _congestion;
    private readonly TimeProvider _time;
    private int _free;
    private long _queueBusySince;

    public AdmissionGate(AdmissionOptions options, TimeProvider time)
    {
        _slots = options.MaxInFlight;
        _free = options.MaxInFlight;
        _queueLimit = options.QueueLimit;
        _adaptiveLifo = options.QueueOrder == AdmissionQueueOrder.AdaptiveLifo;
        _congestion = TimeSpan.FromMilliseconds(options.CongestionMs);
        _time = time;
    }

    public int InFlight => _slots - Volatile.Read(ref _free);

    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>A slot when one is free and nobody waits for it.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_free == 0)
            {
                return false;
            }

            _free--;
            return true;
        }
    }

    /// <summary>A place in the queue, or null when it is full (a slot freed meanwhile is taken at once).</summary>
    public AdmissionWaiter? Enqueue(out bool admitted)
    {
        lock (_lock)
        {
            admitted = _free > 0;
            if (admitted)
            {
                _free--;
                return null;
            }

            if (_queue.Count >= _queueLimit)
            {
                return null;
            }

            long now = _time.GetTimestamp();
            if (_queue.Count == 0)
            {
                _queueBusySince = now;
            }

            var waiter = new AdmissionWaiter(now);
            waiter.Node = _queue.AddLast(waiter);
            return waiter;
        }
    }

    /// <summary>Takes <paramref name="waiter"/> out with <paramref name="result"/> unless a slot or another cause already did.</summary>
    public void Abandon(AdmissionWaiter waiter, AdmissionResult result)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            _queue.Remove(waiter.Node);
            waiter.TrySetResult(result);
        }
    }

    /// <summary>Hands a finished request's slot to a waiter, or back to the pool when nobody waits.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                _free++;
                return;
            }

            // The queue has not been empty since _queueBusySince: past the congestion time this is overload, not a burst.
            bool congested = _adaptiveLifo && _time.GetElapsedTime(_queueBusySince) >= _congestion;
            var node = congested ? _queue.Last! : _queue.First!;
            _queue.Remove(node);
            // Continuations run asynchronously, so completing under the lock runs no request code here.
            node.Value.TrySetResult(AdmissionResult.Admitted);
        }
    }
}
