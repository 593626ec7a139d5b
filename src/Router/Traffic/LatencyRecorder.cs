namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// Latencies of the most recent calls (a fixed ring, so memory stays bounded under any load) and their percentiles.
/// Recent samples are what an operator comparing arms wants; the count is cumulative.
/// </summary>
public sealed class LatencyRecorder(int capacity = 4096)
{
    private readonly double[] _samples = new double[capacity];
    private readonly Lock _gate = new();
    private long _count;
    private double _max;

    public void Record(TimeSpan latency)
    {
        double ms = latency.TotalMilliseconds;
        lock (_gate)
        {
            _samples[_count % _samples.Length] = ms;
            _count++;
            _max = Math.Max(_max, ms);
        }
    }

    /// <summary>How many latencies were ever recorded.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// The latencies (ms) recorded after the first <paramref name="count"/> that the ring still holds, oldest first, and
    /// the count now: a reader that keeps the count sees each sample once (a rollout's per-step latencies).
    /// </summary>
    public double[] Since(long count, out long now)
    {
        lock (_gate)
        {
            now = _count;
            long from = Math.Max(count, _count - _samples.Length);
            var copy = new double[Math.Max(0, now - from)];
            for (long i = from; i < now; i++)
            {
                copy[i - from] = _samples[i % _samples.Length];
            }

            return copy;
        }
    }

    public LatencySnapshot Snapshot()
    {
        double[] copy;
        long count;
        double max;
        lock (_gate)
        {
            count = _count;
            max = _max;
            copy = _samples.AsSpan(0, (int)Math.Min(count, _samples.Length)).ToArray();
        }

        Array.Sort(copy);
        return new LatencySnapshot(count, Percentile(copy, 0.50), Percentile(copy, 0.90), Percentile(copy, 0.99), max);
    }

    /// <summary>
    /// Nearest-rank percentiles of the recent samples at each of <paramref name="quantiles"/> (0..1), for views that want
    /// others than the snapshot's (the page's dashboard shows p95); zeros when there are none.
    /// </summary>
    public double[] Percentiles(params ReadOnlySpan<double> quantiles)
    {
        double[] copy;
        lock (_gate)
        {
            copy = _samples.AsSpan(0, (int)Math.Min(_count, _samples.Length)).ToArray();
        }

        Array.Sort(copy);
        var result = new double[quantiles.Length];
        for (int i = 0; i < quantiles.Length; i++)
        {
            result[i] = Percentile(copy, quantiles[i]);
        }

        return result;
    }

    /// <summary>Nearest-rank percentile of sorted samples; 0 when there are none.</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        int rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
