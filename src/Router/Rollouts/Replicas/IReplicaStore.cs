namespace EnsembleGrpc.Router.Rollouts.Replicas;

/// <summary>
/// What a rollout store shared by several router replicas adds to <see cref="Persistence.IRolloutStore"/>: one lease
/// that makes one replica the decider, the counts every replica publishes, and decision writes fenced by the lease.
/// A decider that lost its lease (expired, or taken over) writes nothing: the lease is checked in the transaction of
/// the write, and a takeover waits for that transaction.
/// </summary>
public interface IReplicaStore
{
    /// <summary>This replica's name in the lease, the decisions and the published counts (host/pid/random, unique per process).</summary>
    string Replica { get; }

    /// <summary>
    /// Renews this replica's lease, or takes the lease when it is free or expired at <paramref name="now"/>; the new
    /// lease lasts <paramref name="ttl"/>. Null when another replica holds an unexpired lease.
    /// </summary>
    DecisionLease? TryLead(DateTimeOffset now, TimeSpan ttl);

    /// <summary>Adds what this replica saw of a rollout (while routing at step <paramref name="step"/>) for the decider to count once.</summary>
    void Publish(string rolloutId, int step, RolloutObservation observation, DateTimeOffset now);

    /// <summary>The published counts the decider has not consumed yet, oldest first.</summary>
    IReadOnlyList<PublishedObservation> Pending(string rolloutId);

    /// <summary>A checkpoint that consumes <paramref name="consumed"/>; throws <see cref="StaleWriteException"/> unless <paramref name="lease"/> still holds.</summary>
    void SaveState(RolloutState state, DecisionLease lease, IReadOnlyList<long> consumed, DateTimeOffset now);

    /// <summary>A decision, the state after it and the consumption of <paramref name="consumed"/> in one fenced transaction.</summary>
    void SaveDecision(RolloutState state, RolloutDecision decision, DecisionLease lease, IReadOnlyList<long> consumed, DateTimeOffset now);
}
