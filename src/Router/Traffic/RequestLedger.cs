using System.Collections.Concurrent;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// Bounded memory of recent requests: request id → arm and predictions, so that feedback (true labels) arriving later
/// can be scored per arm. The oldest entries are forgotten first; feedback for them is NOT_FOUND.
/// </summary>
public sealed class RequestLedger(int capacity = RequestLedger.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly ConcurrentDictionary<string, LedgerEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, byte> _scored = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public void Record(LedgerEntry entry)
    {
        if (_entries.TryAdd(entry.RequestId, entry))
        {
            _order.Enqueue(entry.RequestId);
            // Several writers may trim at once; each removes one id per excess entry, which converges to capacity.
            while (_entries.Count > capacity && _order.TryDequeue(out var oldest))
            {
                _entries.TryRemove(oldest, out _);
                _scored.TryRemove(oldest, out _);
            }
        }
        else
        {
            // A client reusing an id: the latest answer is the one feedback refers to.
            _entries[entry.RequestId] = entry;
            _scored.TryRemove(entry.RequestId, out _);
        }
    }

    /// <summary>True the first time feedback for <paramref name="requestId"/> is scored, so labels count once.</summary>
    public bool TryMarkScored(string requestId) => _entries.ContainsKey(requestId) && _scored.TryAdd(requestId, 0);

    public LedgerEntry? Find(string requestId) => _entries.TryGetValue(requestId, out var entry) ? entry : null;
}
