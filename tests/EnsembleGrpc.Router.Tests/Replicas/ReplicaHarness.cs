using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Rollouts.Persistence;
using EnsembleGrpc.Router.Tests.Traffic;
using EnsembleGrpc.Router.Traffic;
using Microsoft.Extensions.Logging.Abstractions;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Time.Testing;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>
/// One router replica in this process, as the router builds it on a shared PostgreSQL store: its own routing file,
/// split state and arm counters, a rollout controller over its own <see cref="PostgresRolloutStore"/> (its own
/// replica name) on the clock the test moves. Several of these on one database are the replicas of one router.
/// </summary>
internal sealed class ReplicaHarness : IDisposable
{
    public static readonly RolloutOptions Options = new() { TickMs = 1000, FollowMs = 1000, LeaseMs = 10_000 };

    public ReplicaHarness(string name, PostgresDatabase database, FakeTimeProvider time)
    {
        Splits = new SplitFixture(new PostgresExperimentStore(database), ("control", 100), ("candidate", 0), ("other", 0));
        Store = new PostgresRolloutStore(database, name);
        Controller = new RolloutController(
            Splits.Provider, Splits.State, new CounterReader(Statistics, Splits.Provider), Store, time, new Random(42),
            NullLogger<RolloutController>.Instance, Microsoft.Extensions.Options.Options.Create(Options));
    }

    public SplitFixture Splits { get; }

    public TrafficStatistics Statistics { get; } = new();

    public PostgresRolloutStore Store { get; }

    public RolloutController Controller { get; }

    /// <summary>The candidate's share this replica routes with now.</summary>
    public int CandidateWeight => EffectiveConfig.Weights(Splits.Ensemble, Splits.State.Table)["candidate"];

    /// <summary>Requests routed by this replica at its current split.</summary>
    public void Traffic(int total)
    {
        int candidate = total * CandidateWeight / 100;
        for (int i = 0; i < total - candidate; i++)
        {
            Statistics.Arm("mnist", "control").RecordRequest(TimeSpan.FromMilliseconds(12), false, null);
        }

        for (int i = 0; i < candidate; i++)
        {
            Statistics.Arm("mnist", "candidate").RecordRequest(TimeSpan.FromMilliseconds(12), false, null);
        }
    }

    public void Dispose() => Splits.Dispose();
}
