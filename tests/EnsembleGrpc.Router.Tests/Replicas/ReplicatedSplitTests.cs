using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Tests.Rollouts.Bandit;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Time.Testing;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>
/// Splits among replicas on one PostgreSQL database: an operator's split set on one replica reaches the others when
/// they follow, and in bandit mode only the decider moves the shares, on the feedback every replica scored.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicatedSplitTests(PostgresServer server) : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
    private readonly PostgresDatabase _database = PostgresDatabase.Open(server.CreateDatabase());

    public void Dispose() => _database.Dispose();

    [PostgresFact]
    public void A_split_set_on_one_replica_is_routed_by_the_other_after_it_refreshes()
    {
        using var a = new ReplicaHarness("a", _database, _time);
        using var b = new ReplicaHarness("b", _database, _time);

        Assert.True(a.Splits.Set(("control", 60), ("candidate", 40), ("other", 0)).Succeeded);
        Assert.Equal(0, b.CandidateWeight);

        Assert.True(b.Splits.State.Refresh());
        Assert.Equal(40, b.CandidateWeight);
        Assert.False(b.Splits.State.Refresh()); // nothing new
    }

    [PostgresFact]
    public void In_bandit_mode_only_the_decider_moves_the_shares_on_every_replicas_feedback()
    {
        using var a = new ReplicaHarness("a", _database, _time);
        using var b = new ReplicaHarness("b", _database, _time);
        const string Bandit = """{ "min_share": 0.05, "max_step": 0.1, "min_rows_per_arm": 100 }""";
        a.Splits.Rewrite([("control", 50), ("candidate", 50)], bandit: Bandit);
        b.Splits.Rewrite([("control", 50), ("candidate", 50)], bandit: Bandit);
        Assert.True(a.Controller.Follow());
        Assert.False(b.Controller.Follow());
        // Feedback scored on each replica goes into the shared totals; each replica alone has under min_rows_per_arm.
        var store = new PostgresExperimentStore(_database);
        store.AddFeedback("mnist", "control", 60, 54);
        store.AddFeedback("mnist", "candidate", 60, 59);
        store.AddFeedback("mnist", "control", 60, 54);
        store.AddFeedback("mnist", "candidate", 60, 59);

        BanditControllerTests.Bandit(b.Splits, b.Statistics, b.Controller).Tick();
        Assert.Equal(50, Weight(a, "candidate")); // the file's 50/50: b does not decide
        BanditControllerTests.Bandit(a.Splits, a.Statistics, a.Controller).Tick();
        Assert.Equal(6000, Weight(a, "candidate"));

        Assert.True(b.Splits.State.Refresh());
        Assert.Equal(6000, Weight(b, "candidate"));
    }

    private static int Weight(ReplicaHarness replica, string arm) => EffectiveConfig.Weights(replica.Splits.Ensemble, replica.Splits.State.Table)[arm];
}
