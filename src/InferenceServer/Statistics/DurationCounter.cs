namespace EnsembleGrpc.InferenceServer.Statistics;

/// <summary>A lock-free count and cumulative nanoseconds; readers may see the two a moment apart, as in Triton.</summary>
internal sealed class DurationCounter
{
    private long _count;
    private long _ns;

    public void Add(long count, long ns)
    {
        Interlocked.Add(ref _count, count);
        Interlocked.Add(ref _ns, Math.Max(0, ns));
    }

    public DurationStatistic Read() => new((ulong)Volatile.Read(ref _count), (ulong)Volatile.Read(ref _ns));
}
