using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// Weighted assignment of a request to an arm: a bucket in [0, total weight) from the injected randomness, or from
/// a stable hash of the routing key (sticky: the same key lands on the same arm while the weights are unchanged).
/// Arms with weight 0 are never chosen here.
/// </summary>
public static class TrafficSplitter
{
    public static ArmModel Choose(EnsembleModel ensemble, string? routingKey, Random random)
    {
        int total = ensemble.TotalWeight;
        int bucket = string.IsNullOrEmpty(routingKey)
            ? random.Next(total)
            : (int)(StableHash.Fnv1a64(routingKey) % (ulong)total);
        return ArmForBucket(ensemble.Arms, bucket);
    }

    /// <summary>The arm whose cumulative weight range holds <paramref name="bucket"/>.</summary>
    public static ArmModel ArmForBucket(IReadOnlyList<ArmModel> arms, int bucket)
    {
        int cumulative = 0;
        foreach (var arm in arms)
        {
            cumulative += arm.Weight;
            if (bucket < cumulative)
            {
                return arm;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "The bucket is beyond the total weight.");
    }
}
