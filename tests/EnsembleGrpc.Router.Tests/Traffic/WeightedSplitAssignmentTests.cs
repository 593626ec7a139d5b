using System.Text;
using EnsembleGrpc.Router.Traffic.Assignment;

namespace EnsembleGrpc.Router.Tests.Traffic;

public sealed class WeightedSplitAssignmentTests
{
    private const int Keys = 10_000;

    [Fact]
    public void A_70_30_split_over_10000_requests_without_a_key_lands_within_2_points()
    {
        using var fixture = new SplitFixture(null, ("control", 70), ("treatment", 30), ("off", 0));
        var assignment = fixture.Assignment(new Random(20240601));

        var counts = Enumerable.Range(0, Keys).Select(_ => assignment.Assign(fixture.Ensemble, routingKey: null).Name).CountBy(n => n).ToDictionary();

        Assert.InRange(counts["control"] / 100.0, 68, 72);
        Assert.InRange(counts["treatment"] / 100.0, 28, 32);
        Assert.False(counts.ContainsKey("off"));
    }

    [Fact]
    public void A_four_way_split_follows_the_weights_for_keys_and_for_random_draws()
    {
        using var fixture = new SplitFixture(null, ("a", 40), ("b", 30), ("c", 20), ("d", 10));
        var assignment = fixture.Assignment(new Random(7));

        var drawn = Enumerable.Range(0, Keys).Select(_ => assignment.Assign(fixture.Ensemble, null).Name).CountBy(n => n).ToDictionary();
        var keyed = Arms(assignment, fixture).Values.CountBy(n => n).ToDictionary();

        foreach (var counts in new[] { drawn, keyed })
        {
            Assert.InRange(counts["a"] / 100.0, 38, 42);
            Assert.InRange(counts["b"] / 100.0, 28, 32);
            Assert.InRange(counts["c"] / 100.0, 18, 22);
            Assert.InRange(counts["d"] / 100.0, 8, 12);
        }
    }

    [Fact]
    public void A_sticky_key_never_changes_arm_and_ignores_the_random_source()
    {
        using var fixture = new SplitFixture(null, ("control", 70), ("treatment", 30));
        var first = Arms(fixture.Assignment(new Random(1)), fixture);

        var again = Arms(fixture.Assignment(new Random(2)), fixture);

        Assert.Equal(first, again);
        Assert.InRange(first.Values.Count(a => a == "control") / 100.0, 68, 72);
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(35, 15)]
    [InlineData(700, 300)]
    public void The_same_proportions_written_differently_move_no_key(int control, int treatment)
    {
        using var fixture = new SplitFixture(null, ("control", 70), ("treatment", 30));
        var assignment = fixture.Assignment(new Random(1));
        var before = Arms(assignment, fixture);

        fixture.Rewrite([("control", control), ("treatment", treatment)]);

        Assert.Equal(0, Moved(before, Arms(assignment, fixture)));
    }

    [Fact]
    public void Going_from_90_10_to_80_20_moves_only_the_changed_share_and_only_towards_the_growing_arm()
    {
        using var fixture = new SplitFixture(null, ("control", 90), ("treatment", 10));
        var assignment = fixture.Assignment(new Random(1));
        var before = Arms(assignment, fixture);

        fixture.Rewrite([("control", 80), ("treatment", 20)]);
        var after = Arms(assignment, fixture);

        // The 10% of [0, 1) that changed hands; hash % total weight moved far more (issue 11).
        Assert.InRange(Moved(before, after), 900, 1100);
        Assert.All(before.Where(k => after[k.Key] != k.Value), k => Assert.Equal(("control", "treatment"), (k.Value, after[k.Key])));
    }

    [Fact]
    public void A_runtime_split_moves_keys_the_same_way_as_a_file_change()
    {
        using var fixture = new SplitFixture(null, ("control", 90), ("treatment", 10), ("canary", 0));
        var assignment = fixture.Assignment(new Random(1));
        var before = Arms(assignment, fixture);

        Assert.True(fixture.Set(("control", 90), ("treatment", 5), ("canary", 5)).Succeeded);
        var after = Arms(assignment, fixture);

        Assert.All(before.Where(k => k.Value == "control"), k => Assert.Equal("control", after[k.Key]));
        var moved = before.Where(k => after[k.Key] != k.Value).ToArray();
        Assert.All(moved, k => Assert.Equal(("treatment", "canary"), (k.Value, after[k.Key])));
        Assert.InRange(moved.Length, 400, 600);
    }

    [Fact]
    public void Assigning_allocates_nothing_with_or_without_a_runtime_split()
    {
        using var fixture = new SplitFixture(null, ("control", 70), ("treatment", 30));
        var assignment = fixture.Assignment(new Random(1));
        var ensemble = fixture.Ensemble;
        string key = "user-12345";
        string longKey = new('k', 1_000);

        long Allocated()
        {
            for (int i = 0; i < 100; i++)
            {
                assignment.Assign(ensemble, key);
                assignment.Assign(ensemble, longKey);
                assignment.Assign(ensemble, null);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1_000; i++)
            {
                assignment.Assign(ensemble, key);
                assignment.Assign(ensemble, longKey);
                assignment.Assign(ensemble, null);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, Allocated());
        Assert.True(fixture.Set(("control", 10), ("treatment", 90)).Succeeded);
        Assert.Equal(0, Allocated());
    }

    [Fact]
    public void The_hash_is_stable_across_processes()
    {
        // Reference values: a changed hash would move every sticky user to another arm.
        Assert.Equal(0xcbf29ce484222325UL, StableHash.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, StableHash.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, StableHash.Fnv1a64("foobar"));
        Assert.Equal(0UL, StableHash.Mix64(0));
        Assert.Equal(0xb456bcfc34c2cb2cUL, StableHash.Mix64(1));
        Assert.Equal(2309384935362688 / 9007199254740992.0, StickyPoint.Of("user-1"));
    }

    [Theory]
    [InlineData(300, "")]
    [InlineData(255, "😀")]
    [InlineData(254, "é😀")]
    [InlineData(600, "\ud800x")]
    public void Long_keys_hash_as_their_whole_utf8_encoding(int padding, string tail)
    {
        // Chunks of 256 bytes: a pair straddling a chunk edge, and a lone surrogate (encoded as U+FFFD), still hash
        // as the whole string's UTF-8 bytes do.
        string key = new string('k', padding) + tail + new string('z', padding);

        Assert.Equal(ReferenceFnv1a64(Encoding.UTF8.GetBytes(key)), StableHash.Fnv1a64(key));
    }

    private static ulong ReferenceFnv1a64(byte[] bytes)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211;
        }

        return hash;
    }

    private static Dictionary<string, string> Arms(ITrafficAssignment assignment, SplitFixture fixture)
    {
        var ensemble = fixture.Ensemble;
        return Enumerable.Range(0, Keys).Select(i => $"user-{i}").ToDictionary(k => k, k => assignment.Assign(ensemble, k).Name);
    }

    private static int Moved(Dictionary<string, string> before, Dictionary<string, string> after) => before.Count(k => after[k.Key] != k.Value);
}
