using System.Collections.Concurrent;
using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>The running counters of an ensemble's shadow traffic.</summary>
public sealed class ShadowCounters
{
    private long _enqueued;
    private long _dropped;
    private long _completed;
    private long _errors;
    private long _rejected;
    private long _comparedRows;
    private long _agreedRows;
    private long _shed;
    private readonly ConcurrentDictionary<MemberFailureKind, long> _rejectedByCause = new();
    private readonly ConcurrentDictionary<MemberFailureKind, long> _errorsByCause = new();

    public LatencyRecorder Latency { get; } = new();

    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Copies not run: the shadow queue was full, or the copy was shed (<see cref="Shed"/>).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Copies shed at a member because primary requests were waiting for it (the shadow's lower priority).</summary>
    public long Shed => Interlocked.Read(ref _shed);

    /// <summary>Member failures of the shadow runs in <see cref="Errors"/>, by kind (one run may count several).</summary>
    public IReadOnlyDictionary<MemberFailureKind, long> ErrorsByCause => new Dictionary<MemberFailureKind, long>(_errorsByCause);

    public long Completed => Interlocked.Read(ref _completed);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Shadow copies a member rejected as the request's fault: not errors of the shadow arm.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary><see cref="Rejected"/> by the member's cause (e.g. <see cref="MemberFailureKind.RejectedInvalid"/>).</summary>
    public IReadOnlyDictionary<MemberFailureKind, long> RejectedByCause => new Dictionary<MemberFailureKind, long>(_rejectedByCause);

    public long ComparedRows => Interlocked.Read(ref _comparedRows);

    public long AgreedRows => Interlocked.Read(ref _agreedRows);

    /// <summary>Share of compared rows where the shadow predicted what the primary answered; 0 before any.</summary>
    public double Agreement => ComparedRows == 0 ? 0 : (double)AgreedRows / ComparedRows;

    public void RecordEnqueued() => Interlocked.Increment(ref _enqueued);

    public void RecordDropped() => Interlocked.Increment(ref _dropped);

    public void RecordShed()
    {
        Interlocked.Increment(ref _shed);
        Interlocked.Increment(ref _dropped);
    }

    public void RecordError(TimeSpan latency, IEnumerable<MemberFailureKind>? causes = null)
    {
        foreach (var cause in causes ?? [MemberFailureKind.WorkerError])
        {
            _errorsByCause.AddOrUpdate(cause, 1, static (_, n) => n + 1);
        }

        Interlocked.Increment(ref _errors);
        Latency.Record(latency);
    }

    public void RecordRejected(TimeSpan latency, MemberFailureKind cause)
    {
        _rejectedByCause.AddOrUpdate(cause, 1, static (_, n) => n + 1);
        Latency.Record(latency);
        Interlocked.Increment(ref _rejected);
    }

    public void RecordCompleted(TimeSpan latency, int compared, int agreed)
    {
        Interlocked.Add(ref _comparedRows, compared);
        Interlocked.Add(ref _agreedRows, agreed);
        Latency.Record(latency);
        // Last, so that a reader who sees the completion also sees its rows.
        Interlocked.Increment(ref _completed);
    }
}
