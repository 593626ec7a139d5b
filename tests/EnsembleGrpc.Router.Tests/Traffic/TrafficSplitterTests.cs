using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Traffic;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Traffic;

public sealed class TrafficSplitterTests
{
    private static readonly MemberModel[] Members = [Member("a"), Member("b")];

    [Fact]
    public void A_70_30_split_over_10000_requests_lands_within_2_points()
    {
        var ensemble = EnsembleOf(Members, [Arm("control", "bagging", 70, Members), Arm("treatment", "stacking", 30, Members), Arm("off", "vote", 0, Members)]);
        var random = new Random(20240601);

        var counts = Enumerable.Range(0, 10_000).Select(_ => TrafficSplitter.Choose(ensemble, routingKey: null, random).Name).CountBy(n => n).ToDictionary();

        Assert.InRange(counts["control"] / 100.0, 68, 72);
        Assert.InRange(counts["treatment"] / 100.0, 28, 32);
        Assert.False(counts.ContainsKey("off"));
    }

    [Fact]
    public void A_four_way_split_follows_the_weights()
    {
        var ensemble = EnsembleOf(Members, [Arm("a", "bagging", 40, Members), Arm("b", "vote", 30, Members), Arm("c", "best", 20, Members), Arm("d", "boosting", 10, Members)]);
        var random = new Random(7);

        var counts = Enumerable.Range(0, 10_000).Select(_ => TrafficSplitter.Choose(ensemble, null, random).Name).CountBy(n => n).ToDictionary();

        Assert.InRange(counts["a"] / 100.0, 38, 42);
        Assert.InRange(counts["b"] / 100.0, 28, 32);
        Assert.InRange(counts["c"] / 100.0, 18, 22);
        Assert.InRange(counts["d"] / 100.0, 8, 12);
    }

    [Fact]
    public void A_sticky_key_never_changes_arm_and_keys_spread_by_weight()
    {
        var ensemble = EnsembleOf(Members, [Arm("control", "bagging", 70, Members), Arm("treatment", "stacking", 30, Members)]);
        var random = new Random(1);
        var first = new Dictionary<string, string>();
        for (int i = 0; i < 2_000; i++)
        {
            first[$"user-{i}"] = TrafficSplitter.Choose(ensemble, $"user-{i}", random).Name;
        }

        for (int round = 0; round < 5; round++)
        {
            foreach (var (key, arm) in first)
            {
                Assert.Equal(arm, TrafficSplitter.Choose(ensemble, key, random).Name);
            }
        }

        Assert.InRange(first.Values.Count(a => a == "control") / 20.0, 66, 74);
    }

    [Fact]
    public void The_hash_is_stable_across_processes()
    {
        // FNV-1a 64 reference values: a changed hash would move every sticky user to another arm.
        Assert.Equal(0xcbf29ce484222325UL, StableHash.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, StableHash.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, StableHash.Fnv1a64("foobar"));
    }
}
