namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// A routing key's fixed point in [0, 1): the top 53 bits of its mixed FNV-1a hash. Arms own consecutive ranges of
/// [0, 1) in proportion to their weights (<see cref="CumulativeShares"/>), so a key keeps its arm as long as its point
/// stays in that arm's range: a weight change moves only the keys in the share that changed hands.
/// </summary>
public static class StickyPoint
{
    private const double Scale = 1.0 / (1UL << 53);

    public static double Of(string routingKey) => (StableHash.Mix64(StableHash.Fnv1a64(routingKey)) >> 11) * Scale;
}
