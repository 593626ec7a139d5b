using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Rollouts.Persistence;
using EnsembleGrpc.Router.Rollouts.Replicas;
using EnsembleGrpc.Router.Rollouts.Statistics;
using EnsembleGrpc.Router.Tests.Rollouts;
using Npgsql;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>The shared rollout store on a real PostgreSQL server: the lease, fenced writes, decision numbers and published counts.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRolloutStoreTests(PostgresServer server) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly PostgresDatabase _database = PostgresDatabase.Open(server.CreateDatabase());

    public void Dispose() => _database.Dispose();

    [PostgresFact]
    public void One_replica_holds_the_lease_until_it_expires_and_a_takeover_raises_the_epoch()
    {
        var (a, b) = (Store("a"), Store("b"));

        Assert.Equal(1, a.TryLead(T0, Ttl)!.Epoch);
        Assert.Null(b.TryLead(T0.AddSeconds(5), Ttl));
        Assert.Equal(1, a.TryLead(T0.AddSeconds(5), Ttl)!.Epoch); // renewed: until T0 + 15 s
        Assert.Null(b.TryLead(T0.AddSeconds(14), Ttl));
        var taken = b.TryLead(T0.AddSeconds(15), Ttl)!;
        Assert.Equal(("b", 2L, T0.AddSeconds(25)), (taken.Holder, taken.Epoch, taken.ExpiresAt));
        Assert.Null(a.TryLead(T0.AddSeconds(16), Ttl));
    }

    [PostgresFact]
    public void A_decider_whose_lease_expired_or_was_taken_over_stores_no_decision()
    {
        var (a, b) = (Store("a"), Store("b"));
        var leaseA = a.TryLead(T0, Ttl)!;
        var started = Started("mnist-1");
        a.SaveDecision(started.State, started.Decision);
        var advanced = Decided(started.State, DecisionKind.Advanced, T0.AddSeconds(11));

        // Expired, nobody has taken over yet: still refused.
        Assert.Throws<StaleWriteException>(() => a.SaveDecision(advanced.State, advanced.Decision, leaseA, [], T0.AddSeconds(11)));
        var leaseB = b.TryLead(T0.AddSeconds(12), Ttl)!;
        // A stalled decider whose clock still says its lease holds: the stored lease says otherwise.
        Assert.Throws<StaleWriteException>(() => a.SaveDecision(advanced.State, advanced.Decision, leaseA, [], T0.AddSeconds(5)));
        b.SaveDecision(advanced.State, advanced.Decision, leaseB, [], T0.AddSeconds(12));

        Assert.Equal([(1L, "a", (long?)null), (2L, "b", 2L)], Decisions("mnist-1"));
        Assert.Equal(10, Assert.Single(b.LoadRollouts()).CandidatePercent);
    }

    [PostgresFact]
    public void A_decision_number_is_stored_once_and_a_state_read_before_a_decision_cannot_overwrite_it()
    {
        var (a, b) = (Store("a"), Store("b"));
        var started = Started("mnist-1");
        a.SaveDecision(started.State, started.Decision);
        var paused = Decided(started.State, DecisionKind.Paused, T0.AddSeconds(1));
        var advanced = Decided(started.State, DecisionKind.Advanced, T0.AddSeconds(1));

        b.SaveDecision(paused.State, paused.Decision); // an operator's pause on replica b
        Assert.Throws<StaleWriteException>(() => a.SaveDecision(advanced.State, advanced.Decision));
        Assert.Throws<StaleWriteException>(() => a.SaveState(started.State with { HoldReason = "stale checkpoint" }));

        var stored = Assert.Single(a.LoadRollouts());
        Assert.Equal((RolloutStatus.Paused, 2L, 5), (stored.Status, stored.Decisions, stored.CandidatePercent));
        Assert.Equal([DecisionKind.Started, DecisionKind.Paused], a.LoadDecisions("mnist-1").Select(d => d.Kind));
    }

    [PostgresFact]
    public void An_ensemble_has_one_active_rollout_however_many_replicas_start_one()
    {
        var (a, b) = (Store("a"), Store("b"));
        var first = Started("mnist-1");
        var second = Started("mnist-2");

        a.SaveDecision(first.State, first.Decision);
        Assert.Throws<StaleWriteException>(() => b.SaveDecision(second.State, second.Decision));
        Assert.Throws<StaleWriteException>(() => b.SaveDecision(first.State, first.Decision)); // the same start twice (a routing file's canary)

        Assert.Equal(["mnist-1"], a.LoadRollouts().Select(r => r.Id));
    }

    [PostgresFact]
    public void Published_counts_are_consumed_once_with_the_deciders_write()
    {
        var (a, b) = (Store("a"), Store("b"));
        var lease = a.TryLead(T0, Ttl)!;
        var started = Started("mnist-1");
        a.SaveDecision(started.State, started.Decision);
        a.Publish("mnist-1", 0, Observation(950, 50), T0);
        b.Publish("mnist-1", 0, Observation(1900, 100), T0);

        var pending = a.Pending("mnist-1");
        Assert.Equal(["a", "b"], pending.Select(p => p.Replica));
        Assert.Equal(150, pending.Sum(p => p.Observation.Candidate.Requests));
        Assert.Equal([12.0, 14.0], pending[0].Observation.CandidateLatencyMs);
        long[] ids = pending.Select(p => p.Id).ToArray();
        var observed = pending.Aggregate(started.State, (s, p) => s.Observe(p.Observation));
        a.SaveState(observed, lease, ids, T0.AddSeconds(1));

        Assert.Empty(b.Pending("mnist-1"));
        Assert.Equal((2850L, 150L), (Assert.Single(b.LoadRollouts()).Total.Baseline.Requests, b.LoadRollouts()[0].Total.Candidate.Requests));
        // The same counts a second time (a decider that read them before the first write): refused, counted once.
        Assert.Throws<StaleWriteException>(() => a.SaveState(observed.Observe(pending[0].Observation), lease, ids, T0.AddSeconds(2)));
        Assert.Equal(150L, b.LoadRollouts()[0].Total.Candidate.Requests);
    }

    internal static (RolloutState State, RolloutDecision Decision) Started(string id)
    {
        var initial = new RolloutState
        {
            Id = id,
            Ensemble = "mnist",
            Config = RolloutHarness.Canary(),
            Status = RolloutStatus.Running,
            StepIndex = 0,
            StartedAt = T0,
            StepStartedAt = T0,
            StartedBy = "test",
        };
        return Decided(initial, DecisionKind.Started, T0);
    }

    private static (RolloutState State, RolloutDecision Decision) Decided(RolloutState state, DecisionKind kind, DateTimeOffset at)
    {
        var next = RolloutTransitions.Apply(state, kind, "test", at);
        int from = kind == DecisionKind.Started ? 0 : state.CandidatePercent;
        return (next, new RolloutDecision(next.Decisions, at, kind, from, next.CandidatePercent, "test", RolloutState.ControllerActor, null));
    }

    private static RolloutObservation Observation(long baseline, long candidate) => new(
        new ArmTally(baseline, 0, 0, 0, 0), new ArmTally(candidate, 0, 0, 0, 0), new BinomialCounts(0, 0), [12.0, 13.0], [12.0, 14.0]);

    private PostgresRolloutStore Store(string replica) => new(_database, replica);

    private List<(long Sequence, string Replica, long? Epoch)> Decisions(string rolloutId)
    {
        using var command = _database.Source.CreateCommand("SELECT seq, replica, lease_epoch FROM rollout_decision WHERE rollout_id = $1 ORDER BY seq;");
        command.Parameters.AddWithValue(rolloutId);
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string, long?)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
        }

        return rows;
    }
}
