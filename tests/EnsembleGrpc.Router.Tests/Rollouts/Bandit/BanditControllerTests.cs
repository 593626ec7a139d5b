using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Rollouts.Bandit;
using EnsembleGrpc.Router.Rollouts.Persistence;
using EnsembleGrpc.Router.Tests.Traffic;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Router.Tests.Rollouts.Bandit;

/// <summary>Bandit mode over a real split state and store: shares move towards the more accurate arm, capped, and survive a restart.</summary>
public sealed class BanditControllerTests : IDisposable
{
    private readonly SplitFixture _splits = new(null, ("left", 50), ("right", 50));

    public void Dispose() => _splits.Dispose();

    [Fact]
    public void Shares_move_towards_the_more_accurate_arm_by_at_most_the_cap_and_are_stored()
    {
        _splits.Rewrite([("left", 50), ("right", 50)], bandit: """{ "min_share": 0.05, "max_step": 0.1 }""");
        var statistics = new TrafficStatistics();
        statistics.Arm("mnist", "left").RecordFeedback(1000, 900);
        statistics.Arm("mnist", "right").RecordFeedback(1000, 970);
        var bandit = Bandit(_splits, statistics);

        bandit.Tick();
        Assert.Equal(new Dictionary<string, int> { ["left"] = 4000, ["right"] = 6000 }, Weights());
        for (int i = 0; i < 10; i++)
        {
            bandit.Tick();
        }

        Assert.Equal(new Dictionary<string, int> { ["left"] = 500, ["right"] = 9500 }, Weights());
        _splits.Restart();
        Assert.Equal(9500, Weights()["right"]);
    }

    /// <summary>A bandit on <paramref name="splits"/>; with <paramref name="controller"/> (replicas), it decides only while that holds the lease.</summary>
    internal static BanditController Bandit(SplitFixture splits, TrafficStatistics statistics, RolloutController? controller = null) => new(
        splits.Provider, splits.State, statistics,
        controller ?? new RolloutController(splits.Provider, splits.State, new CounterReader(statistics, splits.Provider), new NullRolloutStore(), splits.Time, new Random(1), NullLogger<RolloutController>.Instance),
        splits.Store, new Random(5), NullLogger<BanditController>.Instance);

    private IReadOnlyDictionary<string, int> Weights() => EffectiveConfig.Weights(_splits.Ensemble, _splits.State.Table);
}
