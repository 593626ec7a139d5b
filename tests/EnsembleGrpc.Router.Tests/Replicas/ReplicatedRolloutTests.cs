using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Tests.Rollouts;
using Microsoft.Extensions.Time.Testing;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>
/// Two replicas' rollout controllers in this process on one real PostgreSQL database and one fake clock: the decider
/// counts every replica's requests, the follower applies each step when it follows, and when the decider stops
/// renewing, the other takes over after the lease and carries on from the stored step and decisions.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicatedRolloutTests(PostgresServer server) : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
    private readonly PostgresDatabase _database = PostgresDatabase.Open(server.CreateDatabase());

    public void Dispose() => _database.Dispose();

    [PostgresFact]
    public void The_decider_advances_on_the_counts_of_every_replica_and_the_follower_applies_the_step()
    {
        using var a = new ReplicaHarness("a", _database, _time);
        using var b = new ReplicaHarness("b", _database, _time);
        Assert.True(a.Controller.Follow());
        Assert.False(b.Controller.Follow());
        Assert.True(a.Controller.Start("mnist", RolloutHarness.Canary(minSamples: 200), "test").Succeeded);
        b.Controller.Follow();
        Assert.Equal((5, 5), (a.CandidateWeight, b.CandidateWeight));

        // 150 candidate requests on each replica: too few for the step alone, enough together.
        a.Traffic(3000);
        b.Traffic(3000);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(a.Controller.Follow()); // renewed, as its follower loop does every FollowMs
        Assert.Empty(b.Controller.Tick());
        var decision = Assert.Single(a.Controller.Tick());

        Assert.Equal((DecisionKind.Advanced, 5, 10), (decision.Kind, decision.FromPercent, decision.ToPercent));
        Assert.Equal((5700L, 300L), (decision.Evidence!.BaselineStep.Requests, decision.Evidence.CandidateStep.Requests));
        Assert.Equal((10, 5), (a.CandidateWeight, b.CandidateWeight));
        b.Controller.Follow();
        Assert.Equal(10, b.CandidateWeight);
        Assert.Empty(a.Controller.Tick()); // nothing new: the consumed counts are not counted again
        Assert.Equal(300L, a.Controller.Get("mnist")!.State.Total.Candidate.Requests);
    }

    [PostgresFact]
    public void When_the_decider_stops_another_replica_takes_over_after_the_lease_and_continues_from_the_stored_step()
    {
        using var a = new ReplicaHarness("a", _database, _time);
        using var b = new ReplicaHarness("b", _database, _time);
        a.Controller.Follow();
        b.Controller.Follow();
        a.Controller.Start("mnist", RolloutHarness.Canary(minSamples: 200), "test");
        b.Controller.Follow();
        a.Traffic(6000);
        _time.Advance(TimeSpan.FromMinutes(1));
        a.Controller.Follow();
        Assert.Equal(DecisionKind.Advanced, Assert.Single(a.Controller.Tick()).Kind);

        // a stops (killed): it neither renews nor ticks. b routes, publishes, and waits for the lease to run out.
        b.Controller.Follow();
        b.Traffic(2000);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(b.Controller.Follow());
        Assert.Empty(b.Controller.Tick());
        _time.Advance(TimeSpan.FromMilliseconds(ReplicaHarness.Options.LeaseMs));
        Assert.True(b.Controller.Follow());
        Assert.Equal(2, b.Controller.Lease!.Epoch);
        b.Traffic(4000);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(b.Controller.Follow());
        var decision = Assert.Single(b.Controller.Tick());

        Assert.Equal((3L, DecisionKind.Advanced, 10, 25), (decision.Sequence, decision.Kind, decision.FromPercent, decision.ToPercent));
        Assert.Equal(600L, decision.Evidence!.CandidateStep.Requests); // b's 200 + 400 at 10 %, each counted once
        Assert.Equal(25, b.CandidateWeight);
        // a comes back from a stall with its old lease: it decides nothing and learns it is a follower.
        a.Traffic(1000);
        Assert.Empty(a.Controller.Tick());
        Assert.False(a.Controller.Follow());
        Assert.Equal(25, a.CandidateWeight);
        Assert.Equal([1L, 2, 3], b.Store.LoadDecisions(b.Controller.Get("mnist")!.State.Id).Select(d => d.Sequence));
    }
}
