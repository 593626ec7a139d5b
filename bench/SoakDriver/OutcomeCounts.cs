using System.Collections.Concurrent;

namespace SoakDriver;

/// <summary>Every request's fate: sent, answered in full, answered flagged (fallback), or a status by name.</summary>
internal sealed class OutcomeCounts
{
    private readonly ConcurrentDictionary<string, long> _statuses = new(StringComparer.Ordinal);
    private long _sent;
    private long _full;
    private long _fallback;

    public long Sent => Interlocked.Read(ref _sent);

    public long Full => Interlocked.Read(ref _full);

    public long Fallback => Interlocked.Read(ref _fallback);

    public long WithStatus => _statuses.Values.Sum();

    /// <summary>Sent and not yet ended in an answer or a status.</summary>
    public long Pending => Sent - Full - Fallback - WithStatus;

    public IReadOnlyDictionary<string, long> Statuses => _statuses;

    public void AddSent() => Interlocked.Increment(ref _sent);

    public void AddAnswer(bool fallback) => Interlocked.Increment(ref fallback ? ref _fallback : ref _full);

    public void AddStatus(string status) => _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);

    public string Line() =>
        $"sent {Sent}, full {Full}, fallback {Fallback}, statuses [{string.Join(", ", _statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}], pending {Pending}";
}
