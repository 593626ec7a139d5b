namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Where load managers put their records. The profiler swaps the buffer out at the end of each measurement window
/// (perf_analyzer's swap of timestamp vectors), so a window's records are exactly those completed within it.
/// </summary>
public sealed class RecordBuffer
{
    private readonly object _gate = new();
    private List<RequestRecord> _records = new(1024);
    private bool _enabled = true;
    private long _sent;

    /// <summary>Requests sent so far, completed or not: a step that sends but never completes can say so.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Counts a request as it leaves (before its record exists).</summary>
    public void CountSend() => Interlocked.Increment(ref _sent);

    public void Add(in RequestRecord record)
    {
        lock (_gate)
        {
            if (_enabled)
            {
                _records.Add(record);
            }
        }
    }

    /// <summary>Takes every record added since the last swap.</summary>
    public List<RequestRecord> Swap()
    {
        lock (_gate)
        {
            var taken = _records;
            _records = new List<RequestRecord>(Math.Max(1024, taken.Count));
            return taken;
        }
    }

    /// <summary>Stops accepting records (after a step, stragglers are dropped).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _enabled = false;
        }
    }
}
