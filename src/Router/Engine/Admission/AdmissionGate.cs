namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// The room and the bounded queue behind <see cref="AdmissionController"/>. A request takes one of the
/// <see cref="AdmissionOptions.MaxInFlight"/> request slots and as many of the
/// <see cref="AdmissionOptions.MaxRowsInFlight"/> rows as its batch has. Freed room goes straight to waiters (never
/// back to the pool while a waiter fits): to the request that leaves its client with the fewest rows in flight, of
/// each client's the oldest or, under overload with <see cref="AdmissionQueueOrder.AdaptiveLifo"/>, the newest. A
/// waiter that does not fit yet holds the room that frees up until it does; under sustained overload a large request
/// of an idle client may still wait out its queue timeout while small ones of other clients go first. Why not
/// <c>ConcurrencyLimiter</c>: its newest-first order is fixed, it has no notion of clients, and when its queue is full
/// it evicts the oldest waiter instead of refusing the newcomer.
/// </summary>
internal sealed class AdmissionGate
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AdmissionClient> _clients = new(StringComparer.Ordinal);
    private readonly List<AdmissionClient> _waitingClients = [];
    private readonly int _slots;
    private readonly int _rows;
    private readonly int _queueLimit;
    private readonly bool _adaptiveLifo;
    private readonly TimeSpan _congestion;
    private readonly TimeProvider _time;
    private int _freeSlots;
    private int _freeRows;
    private int _waiting;
    private long _queueBusySince;

    public AdmissionGate(AdmissionOptions options, TimeProvider time)
    {
        _slots = options.MaxInFlight;
        _freeSlots = options.MaxInFlight;
        _rows = options.MaxRowsInFlight;
        _freeRows = options.MaxRowsInFlight;
        _queueLimit = options.QueueLimit;
        _adaptiveLifo = options.QueueOrder == AdmissionQueueOrder.AdaptiveLifo;
        _congestion = TimeSpan.FromMilliseconds(options.CongestionMs);
        _time = time;
    }

    /// <summary>The most rows one request can take: a larger request counts as this many (it then runs alone).</summary>
    public int RowCapacity => _rows;

    /// <summary>Admitted requests not yet released.</summary>
    public int InFlight => _slots - Volatile.Read(ref _freeSlots);

    /// <summary>Rows of the admitted requests not yet released.</summary>
    public int RowsInFlight => _rows - Volatile.Read(ref _freeRows);

    /// <summary>Requests waiting in the queue.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A slot and the rows at once when they are free and nobody waits; the client they are counted to, else null.</summary>
    public AdmissionClient? TryEnter(int rows, string client)
    {
        lock (_lock)
        {
            return _waiting == 0 && Fits(rows) ? Take(Client(client), rows) : null;
        }
    }

    /// <summary>
    /// A place in the queue, or null with <paramref name="admitted"/> set when the rows were free meanwhile, or null
    /// alone when the queue is full.
    /// </summary>
    public AdmissionWaiter? Enqueue(int rows, string client, out AdmissionClient? admitted)
    {
        lock (_lock)
        {
            admitted = _waiting == 0 && Fits(rows) ? Take(Client(client), rows) : null;
            if (admitted is not null || _waiting >= _queueLimit)
            {
                return null;
            }

            long now = _time.GetTimestamp();
            if (_waiting == 0)
            {
                _queueBusySince = now;
            }

            var owner = Client(client);
            var waiter = new AdmissionWaiter(now, rows, owner);
            owner.Queue ??= new LinkedList<AdmissionWaiter>();
            if (owner.Queue.Count == 0)
            {
                _waitingClients.Add(owner);
            }

            waiter.Node = owner.Queue.AddLast(waiter);
            _waiting++;
            // Room may be free while others wait for more than that: this client may be the one it goes to first.
            Dispatch();
            return waiter;
        }
    }

    /// <summary>Takes <paramref name="waiter"/> out with <paramref name="result"/> unless freed rows or another cause already did.</summary>
    public void Abandon(AdmissionWaiter waiter, AdmissionResult result)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            Remove(waiter.Node);
            Forget(waiter.Client);
            waiter.TrySetResult(result);
            // It may have been the large request the free rows were held for.
            Dispatch();
        }
    }

    /// <summary>Hands a finished request's slot and rows to the waiters that fit, or back to the pool.</summary>
    public void Release(int rows, AdmissionClient client)
    {
        lock (_lock)
        {
            _freeSlots++;
            _freeRows += rows;
            client.RowsInFlight -= rows;
            Forget(client);
            Dispatch();
        }
    }

    /// <summary>Admits waiters, the next client's first, while their rows fit. Under the lock.</summary>
    private void Dispatch()
    {
        while (_waiting > 0)
        {
            // The queue has not been empty since _queueBusySince: past the congestion time this is overload, not a burst.
            bool congested = _adaptiveLifo && _time.GetElapsedTime(_queueBusySince) >= _congestion;
            var (client, node) = Next(congested);
            if (!Fits(node.Value.Rows))
            {
                return;
            }

            Remove(node);
            Take(client, node.Value.Rows);
            // Continuations run asynchronously, so completing under the lock runs no request code here.
            node.Value.TrySetResult(AdmissionResult.Admitted);
        }
    }

    /// <summary>
    /// The waiting request that leaves its client with the fewest rows in flight once admitted (each client's oldest,
    /// or its newest when <paramref name="congested"/>); of equals, the one that waited longest. So a client with little
    /// in flight goes before a busier one, and a small request before a large one of an equally idle client (a client
    /// of several connections counts as several).
    /// </summary>
    private (AdmissionClient Client, LinkedListNode<AdmissionWaiter> Node) Next(bool congested)
    {
        AdmissionClient? best = null;
        LinkedListNode<AdmissionWaiter>? bestNode = null;
        foreach (var client in _waitingClients)
        {
            var node = congested ? client.Queue!.Last! : client.Queue!.First!;
            if (bestNode is null || Share(client, node) < Share(best!, bestNode)
                || (Share(client, node) == Share(best!, bestNode) && node.Value.EnqueuedAt < bestNode.Value.EnqueuedAt))
            {
                (best, bestNode) = (client, node);
            }
        }

        return (best!, bestNode!);
    }

    private static int Share(AdmissionClient client, LinkedListNode<AdmissionWaiter> node) => client.RowsInFlight + node.Value.Rows;

    private bool Fits(int rows) => _freeSlots > 0 && _freeRows >= rows;

    private AdmissionClient Take(AdmissionClient client, int rows)
    {
        _freeSlots--;
        _freeRows -= rows;
        client.RowsInFlight += rows;
        return client;
    }

    private void Remove(LinkedListNode<AdmissionWaiter> node)
    {
        var client = node.Value.Client;
        client.Queue!.Remove(node);
        _waiting--;
        if (client.Queue.Count == 0)
        {
            _waitingClients.Remove(client);
        }
    }

    private AdmissionClient Client(string key)
    {
        if (!_clients.TryGetValue(key, out var client))
        {
            client = new AdmissionClient(key);
            _clients[key] = client;
        }

        return client;
    }

    /// <summary>Drops a client with nothing in flight and nothing waiting (the next request makes it again).</summary>
    private void Forget(AdmissionClient client)
    {
        if (client.IsIdle)
        {
            _clients.Remove(client.Key);
        }
    }
}
