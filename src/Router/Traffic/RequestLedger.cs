namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// Bounded memory of recent requests: request id → arm and predictions, so that feedback (true labels) arriving later
/// can be scored per arm. The oldest entries are forgotten first; feedback for them is NOT_FOUND.
/// </summary>
/// <remarks>
/// Every answered request is recorded and each record lives until <c>capacity</c> later ones have pushed it out (at
/// 2,000 requests/s the default keeps the last 50 s), so every record survives into the oldest GC generation. A record
/// is therefore a slot in a ring of structs with an index of ids, not objects of its own: what a request leaves behind
/// is, for a batch of more than one row, its predictions (a single row's class is kept in the slot), and its id string
/// unless the id is one the router made (<see cref="Guid"/> in the "N" format, lowercase hex, as most clients send
/// none): such an id is kept as the 16-byte value it was made from.
/// The former design (a record object, concurrent dictionary nodes and a queue node per request) kept about 400 bytes
/// and five objects for the collector to promote per request, about 40 MB for a full default ledger; this one keeps
/// about 100 bytes per request (measured: the router's anonymous memory after 48,000 requests).
/// </remarks>
public sealed class RequestLedger
{
    public const int DefaultCapacity = 100_000;

    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, int> _guidIndex = [];
    // The ring in chunks, each allocated when the ring first reaches it, so that an idle router does not hold a full
    // ring. A chunk of 1,024 slots of 64 bytes stays under the 85,000 bytes from which an array goes to the large
    // object heap. The ring used to grow by doubling one array: every doubling copied the ring under the lock and
    // left the old array on the large object heap until a full collection (measured side by side under the same
    // load: 12.0-14.5 MB on that heap at the end with chunks, 19.8-22.6 MB with doubling).
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly Slot[]?[] _chunks;
    private int _next;

    public RequestLedger(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _chunks = new Slot[]?[(capacity + ChunkSize - 1) / ChunkSize];
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count + _guidIndex.Count;
            }
        }
    }

    public void Record(LedgerEntry entry) => Record(entry.RequestId, entry.Ensemble, entry.Arm, entry.Strategy, entry.Predictions);

    /// <summary>
    /// Remembers an answered request. A client reusing an id: the latest answer is the one feedback refers to, and it
    /// may be scored again.
    /// </summary>
    public void Record(string requestId, string ensemble, string arm, string strategy, int[] predictions)
    {
        var key = Key.Of(requestId);
        var slot = new Slot(key, ensemble, arm, strategy, predictions.Length == 1 ? predictions[0] : 0, predictions.Length == 1 ? null : predictions);
        lock (_gate)
        {
            if (TryFind(key, out int existing))
            {
                At(existing) = slot;
                return;
            }

            if (_next == _capacity)
            {
                _next = 0;
            }

            ref var target = ref At(_next);
            if (target.Used)
            {
                Remove(target.Key);
            }

            target = slot;
            Add(key, _next);
            _next++;
        }
    }

    /// <summary>True the first time feedback for <paramref name="requestId"/> is scored, so labels count once.</summary>
    public bool TryMarkScored(string requestId)
    {
        lock (_gate)
        {
            if (!TryFind(Key.Of(requestId), out int at) || At(at).Scored)
            {
                return false;
            }

            At(at).Scored = true;
            return true;
        }
    }

    public LedgerEntry? Find(string requestId)
    {
        Slot slot;
        lock (_gate)
        {
            if (!TryFind(Key.Of(requestId), out int at))
            {
                return null;
            }

            slot = At(at);
        }

        return new LedgerEntry(slot.Key.ToString(), slot.Ensemble, slot.Arm, slot.Strategy, slot.Predictions ?? [slot.Prediction]);
    }

    /// <summary>The slot at a ring position, its chunk allocated on first use (the last chunk only as long as the capacity needs). Under the lock.</summary>
    private ref Slot At(int position)
    {
        ref var chunk = ref _chunks[position >> ChunkBits];
        chunk ??= new Slot[Math.Min(ChunkSize, _capacity - (position & ~(ChunkSize - 1)))];
        return ref chunk[position & (ChunkSize - 1)];
    }

    private bool TryFind(Key key, out int at) =>
        key.Text is { } text ? _index.TryGetValue(text, out at) : _guidIndex.TryGetValue(key.Guid, out at);

    private void Add(Key key, int at)
    {
        if (key.Text is { } text)
        {
            _index[text] = at;
        }
        else
        {
            _guidIndex[key.Guid] = at;
        }
    }

    private void Remove(Key key)
    {
        if (key.Text is { } text)
        {
            _index.Remove(text);
        }
        else
        {
            _guidIndex.Remove(key.Guid);
        }
    }

    /// <summary>A request id: the Guid an id in the router's own format was made from, else the id's text.</summary>
    private readonly record struct Key(Guid Guid, string? Text)
    {
        public static Key Of(string requestId) =>
            IsRouterMade(requestId) && Guid.TryParseExact(requestId, "N", out var guid) ? new Key(guid, null) : new Key(default, requestId);

        // Only the exact text Guid.ToString("N") writes, so that the id comes back unchanged and no two ids meet.
        private static bool IsRouterMade(string id)
        {
            if (id.Length != 32)
            {
                return false;
            }

            foreach (char c in id)
            {
                if (!char.IsAsciiHexDigitLower(c))
                {
                    return false;
                }
            }

            return true;
        }

        public override string ToString() => Text ?? Guid.ToString("N");
    }

    private record struct Slot(Key Key, string Ensemble, string Arm, string Strategy, int Prediction, int[]? Predictions)
    {
        public bool Used => Ensemble is not null;

        public bool Scored { get; set; }
    }
}
