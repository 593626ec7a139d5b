using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// Arm weights as consecutive ranges of [0, 1): arm i owns [bound(i−1), bound(i)), bound(i) = (w0 + … + wi) / total.
/// Each bound is one division of exact integer sums, so splits with the same proportions (70/30, 7/3, 35/15) have
/// the same bounds bit for bit. A weight-0 arm owns an empty range and is never chosen; the last chosen bound is
/// exactly 1, so every point in [0, 1) has an arm.
/// </summary>
public sealed class CumulativeShares
{
    private readonly double[] _bounds;

    private CumulativeShares(double[] bounds) => _bounds = bounds;

    /// <summary>The shares of <paramref name="weights"/> (each ≥ 0, total &gt; 0, as the validators ensure).</summary>
    public static CumulativeShares Of(IReadOnlyList<int> weights)
    {
        long total = 0;
        foreach (int weight in weights)
        {
            total += weight;
        }

        var bounds = new double[weights.Count];
        long running = 0;
        for (int i = 0; i < bounds.Length; i++)
        {
            running += weights[i];
            bounds[i] = Bound(running, total);
        }

        return new CumulativeShares(bounds);
    }

    public static CumulativeShares Of(IReadOnlyList<ArmModel> arms) => Of(arms.Select(a => a.Weight).ToArray());

    public int Count => _bounds.Length;

    /// <summary>The index of the arm whose range holds <paramref name="point"/> (in [0, 1)).</summary>
    public int IndexOf(double point)
    {
        var bounds = _bounds;
        for (int i = 0; i < bounds.Length; i++)
        {
            if (point < bounds[i])
            {
                return i;
            }
        }

        // Unreachable for a point in [0, 1) (the last bound is 1): a defined answer rather than a throw.
        for (int i = bounds.Length - 1; i > 0; i--)
        {
            if (Share(i) > 0)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>
    /// The same choice straight from the snapshot's weights, without precomputed bounds and without allocating: for a
    /// snapshot newer than the precomputed table (the moment between a reload and its reconciliation).
    /// </summary>
    public static int IndexOf(IReadOnlyList<ArmModel> arms, double point)
    {
        long total = 0;
        for (int i = 0; i < arms.Count; i++)
        {
            total += arms[i].Weight;
        }

        long running = 0;
        for (int i = 0; i < arms.Count; i++)
        {
            running += arms[i].Weight;
            if (point < Bound(running, total))
            {
                return i;
            }
        }

        for (int i = arms.Count - 1; i > 0; i--)
        {
            if (arms[i].Weight > 0)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>The fraction of [0, 1) that arm <paramref name="index"/> owns.</summary>
    public double Share(int index) => _bounds[index] - (index == 0 ? 0 : _bounds[index - 1]);

    private static double Bound(long running, long total) => total <= 0 ? 0 : (double)running / total;
}
