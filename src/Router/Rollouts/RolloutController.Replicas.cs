using EnsembleGrpc.Router.Rollouts.Replicas;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// The controller among replicas that share one store (<see cref="IReplicaStore"/>, PostgreSQL). Every replica
/// publishes what its own counters saw and follows the stored rollouts (their step goes into its split within one
/// <see cref="RolloutOptions.FollowMs"/>); only the holder of the lease evaluates, on the sum of every replica's
/// published counts, and its writes are fenced by the lease. The stored state is the truth: each tick starts from it.
/// </summary>
public sealed partial class RolloutController
{
    private readonly IReplicaStore? _replicas;
    private readonly TimeSpan _leaseTtl;
    private DecisionLease? _lease;

    /// <summary>Whether the rollouts are shared with other replicas (the store is an <see cref="IReplicaStore"/>).</summary>
    public bool Replicated => _replicas is not null;

    /// <summary>This replica's lease while it is the decider; null while another replica decides, or when not replicated.</summary>
    public DecisionLease? Lease
    {
        get
        {
            lock (_gate)
            {
                return _lease;
            }
        }
    }

    /// <summary>
    /// A replica's follow step: renew or take the lease, then load the stored rollouts and put each one's step in place.
    /// Returns whether this replica is the decider now (always true when not replicated).
    /// </summary>
    public bool Follow()
    {
        if (_replicas is not { } replicas)
        {
            return true;
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var before = _lease;
            try
            {
                _lease = replicas.TryLead(now, _leaseTtl);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Its writes would be refused anyway; stop deciding now rather than when the lease runs out.
                _lease = null;
                Log.SharedStoreFailed(_logger, ex, "lease");
            }

            if (_lease is { } held && held.Epoch != before?.Epoch)
            {
                Log.LeaseTaken(_logger, replicas.Replica, held.Epoch);
            }
            else if (_lease is null && before is not null)
            {
                Log.LeaseLost(_logger, replicas.Replica, before.Epoch);
            }

            Refresh(replicas, now);
            return _lease is not null;
        }
    }

    private List<RolloutDecision> SharedTick(IReplicaStore replicas)
    {
        var now = _time.GetUtcNow();
        var taken = new List<RolloutDecision>();
        if (!Refresh(replicas, now))
        {
            return taken;
        }

        var active = _latest.Values.Where(t => t.State.Active).ToList();
        foreach (var tracked in active)
        {
            Publish(replicas, tracked, now);
        }

        if (_lease is not { } lease || !lease.ValidAt(now))
        {
            return taken;
        }

        foreach (var tracked in active)
        {
            if (Consume(replicas, lease, tracked) is { } decision)
            {
                taken.Add(decision);
            }
        }

        return taken;
    }

    private void RefreshIfShared()
    {
        if (_replicas is { } replicas)
        {
            Refresh(replicas, _time.GetUtcNow());
        }
    }

    /// <summary>Takes the stored state of each ensemble's latest rollout; a new decision is applied to the split at once.</summary>
    private bool Refresh(IReplicaStore replicas, DateTimeOffset now)
    {
        IReadOnlyList<RolloutState> stored;
        try
        {
            stored = _store.LoadRollouts();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.SharedStoreFailed(_logger, ex, "load");
            return false;
        }

        _knownIds.UnionWith(stored.Select(s => s.Id));
        foreach (var state in stored.GroupBy(s => s.Ensemble, StringComparer.Ordinal).Select(g => g.Last()))
        {
            bool known = _latest.TryGetValue(state.Ensemble, out var tracked) && tracked!.State.Id == state.Id;
            bool changed = !known || tracked!.State.Decisions != state.Decisions;
            if (known && changed && tracked!.State.Active)
            {
                // What this replica routed at the old step is published as such before it moves to the new one.
                Publish(replicas, tracked, now);
            }

            if (!known)
            {
                _latest[state.Ensemble] = tracked = new Tracked(state, null);
            }

            tracked!.State = state;
            tracked.Mark ??= state.Active ? _reader.Mark(state.Ensemble, state.Spec) : null;
            if (changed && (known || state.Active))
            {
                Log.Followed(_logger, state.Id, state.Ensemble, state.Status, state.CandidatePercent, state.Decisions);
            }

            EnsureSplit(state, force: changed && known);
        }

        return true;
    }

    /// <summary>Adds what this replica's counters saw since its mark to the shared store; the mark moves once it is stored.</summary>
    private void Publish(IReplicaStore replicas, Tracked tracked, DateTimeOffset now)
    {
        var state = tracked.State;
        if (tracked.Mark is not { } previous)
        {
            tracked.Mark = _reader.Mark(state.Ensemble, state.Spec);
            return;
        }

        var (observation, mark) = _reader.Since(state.Ensemble, state.Spec, previous);
        if (IsEmpty(observation))
        {
            tracked.Mark = mark;
            return;
        }

        try
        {
            replicas.Publish(state.Id, state.StepIndex, observation, now);
            tracked.Mark = mark;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.SharedStoreFailed(_logger, ex, "publish");
        }
    }

    /// <summary>The decider's look: the stored state plus every replica's pending counts, written under the lease.</summary>
    private RolloutDecision? Consume(IReplicaStore replicas, DecisionLease lease, Tracked tracked)
    {
        var state = tracked.State;
        IReadOnlyList<PublishedObservation> pending;
        try
        {
            pending = replicas.Pending(state.Id);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.SharedStoreFailed(_logger, ex, "read counts");
            return null;
        }

        var observed = state;
        foreach (var published in pending)
        {
            // Counts routed at an earlier step (a replica had not applied the new one yet) belong to the rollout, not to this step's test.
            observed = published.Step == state.StepIndex
                ? observed.Observe(published.Observation)
                : observed with { Total = observed.Total.Add(published.Observation) };
        }

        long[] consumed = pending.Select(p => p.Id).ToArray();
        var writer = new Writer(
            s => replicas.SaveState(s, lease, consumed, _time.GetUtcNow()),
            (s, d) => replicas.SaveDecision(s, d, lease, consumed, _time.GetUtcNow()));
        return Judge(tracked, observed, writer, static () => { });
    }

    private static bool IsEmpty(RolloutObservation o) =>
        o.Baseline == ArmTally.Zero && o.Candidate == ArmTally.Zero && o.Agreement.Trials == 0 && o.BaselineLatencyMs.Count == 0 && o.CandidateLatencyMs.Count == 0;
}
