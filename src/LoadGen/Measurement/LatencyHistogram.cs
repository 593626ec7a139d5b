using System.Numerics;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// A log-bucketed latency histogram (HdrHistogram's layout, written here): values below 256 get one bucket each;
/// above, every power of two is split into 128 equal sub-buckets (2^-7 resolution), so a bucket is never wider
/// than 1/128 of its lower bound. A percentile is answered with the midpoint of the bucket holding the requested
/// rank (nearest-rank definition), clamped to the exact min and max: the relative error is at most 2^-8 (0.4%),
/// well inside the 1% bound we state in reports. Values are non-negative integers (we record nanoseconds).
/// Not thread-safe: one writer, or merge per-thread histograms.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Sub-bucket resolution in bits: 2^-7 relative bucket width.</summary>
    public const int SubBucketBits = 7;

    /// <summary>The worst relative error of a reported percentile (half a bucket's relative width).</summary>
    public const double RelativeErrorBound = 1.0 / (1 << (SubBucketBits + 1));

    private const int SubBucketCount = 1 << SubBucketBits;          // 128
    private const int LinearLimit = SubBucketCount * 2;             // 256: exact buckets below
    private const int BucketCount = LinearLimit + (63 - SubBucketBits) * SubBucketCount;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public long Max { get; private set; }

    public double Sum { get; private set; }

    public double Mean => Count == 0 ? 0 : Sum / Count;

    public void Record(long value) => Record(value, 1);

    public void Record(long value, long count)
    {
        if (count <= 0)
        {
            return;
        }

        if (value < 0)
        {
            value = 0;
        }

        _counts[IndexOf(value)] += count;
        Count += count;
        Sum += (double)value * count;
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The value at percentile <paramref name="percentile"/> (0..100], nearest rank; 0 when empty.</summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        if (percentile >= 100)
        {
            return Max;
        }

        var rank = (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100.0 * Count);
        if (rank < 1)
        {
            rank = 1;
        }

        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                var (low, width) = BucketBounds(i);
                var mid = low + ((width - 1) / 2);
                return Math.Clamp(mid, Min, Max);
            }
        }

        return Max;
    }

    /// <summary>Non-empty buckets in increasing order: lower bound, width and count (for distribution plots).</summary>
    public IEnumerable<(long Low, long Width, long Count)> Buckets()
    {
        for (var i = 0; i < BucketCount; i++)
        {
            if (_counts[i] != 0)
            {
                var (low, width) = BucketBounds(i);
                yield return (low, width, _counts[i]);
            }
        }
    }

    internal static int IndexOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - SubBucketBits;
        var top = (int)(value >> shift); // in [128, 255]
        return LinearLimit + ((shift - 1) * SubBucketCount) + (top - SubBucketCount);
    }

    internal static (long Low, long Width) BucketBounds(int index)
    {
        if (index < LinearLimit)
        {
            return (index, 1);
        }

        var k = index - LinearLimit;
        var shift = (k / SubBucketCount) + 1;
        var top = (long)((k % SubBucketCount) + SubBucketCount);
        return (top << shift, 1L << shift);
    }
}
