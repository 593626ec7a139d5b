using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Traffic;

public sealed class TrafficSplitStateTests
{
    private static readonly (string, int)[] File7030 = [("control", 70), ("treatment", 30)];

    [Fact]
    public void A_bad_split_is_refused_with_every_problem_and_changes_nothing()
    {
        using var fixture = new SplitFixture(null, File7030);

        var unknown = fixture.State.TrySet("fashion", new Dictionary<string, int> { ["control"] = 1 });
        var invalid = fixture.Set(("control", -1), ("ghost", 1));
        var zero = fixture.Set(("control", 0), ("treatment", 0));

        Assert.Equal((SplitChangeError.UnknownEnsemble, "ensemble 'fashion' does not exist; known: mnist."), (unknown.Error, unknown.Message));
        Assert.Equal(SplitChangeError.InvalidWeights, invalid.Error);
        Assert.Contains("'ghost' does not exist", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("'treatment' has no weight", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("weight must be 0 or more", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(SplitChangeError.InvalidWeights, zero.Error);
        Assert.Empty(fixture.Store.LoadSplits());
        Assert.Equal((1L, fixture.Provider.FilePath), (fixture.State.View().Version, fixture.State.View().Source));
    }

    [Fact]
    public void A_split_is_stored_then_shown_as_the_effective_config_while_the_file_snapshot_stays_as_loaded()
    {
        using var fixture = new SplitFixture(null, File7030);

        var result = fixture.Set(("control", 10), ("treatment", 90));

        Assert.Equal(SplitChangeError.None, result.Error);
        Assert.Equal(2, result.Version);
        Assert.Equal(new Dictionary<string, int> { ["control"] = 10, ["treatment"] = 90 }, result.Weights);
        var view = fixture.State.View();
        Assert.Equal((2L, TrafficSplitState.AdminSource), (view.Version, view.Source));
        Assert.Equal([10, 90], view.Ensembles["mnist"].Arms.Select(a => a.Weight));
        Assert.Equal([10, 90], view.Config.Ensembles![0].Arms!.Select(a => a.Weight));
        Assert.Equal([70, 30], fixture.Ensemble.Arms.Select(a => a.Weight));
        var stored = Assert.Single(fixture.Store.LoadSplits());
        Assert.Equal(new Dictionary<string, int> { ["control"] = 70, ["treatment"] = 30 }, stored.FileWeights);
        Assert.Equal((fixture.Provider.CurrentSha256, 1L, SplitFixture.Now), (stored.ConfigSha256, stored.ConfigVersion, stored.SetAt));
        Assert.Contains(fixture.Logs.Entries, e => e.EventName == "TrafficSplitChanged" && e.Message.Contains("control=10, treatment=90", StringComparison.Ordinal));
    }

    [Fact]
    public void A_split_the_store_cannot_keep_is_not_applied()
    {
        using var fixture = new SplitFixture(new FailingStore(), File7030);

        var result = fixture.Set(("control", 10), ("treatment", 90));

        Assert.Equal(SplitChangeError.NotStored, result.Error);
        Assert.DoesNotContain("disk", result.Message, StringComparison.Ordinal);
        Assert.Equal([70, 30], fixture.State.View().Ensembles["mnist"].Arms.Select(a => a.Weight));
        var error = Assert.Single(fixture.Logs.Entries, e => e.EventName == "TrafficSplitNotStored");
        Assert.Equal(LogLevel.Error, error.Level);
    }

    [Fact]
    public void A_reload_that_keeps_the_arms_and_weights_keeps_the_split_and_one_that_changes_them_discards_it()
    {
        using var fixture = new SplitFixture(null, File7030);
        var assignment = fixture.Assignment(new Random(1));
        Assert.True(fixture.Set(("control", 0), ("treatment", 1)).Succeeded);

        fixture.Rewrite(File7030, timeoutMs: 2000);
        Assert.Equal("treatment", assignment.Assign(fixture.Ensemble, "user-1").Name);
        Assert.Equal((3L, TrafficSplitState.AdminSource), (fixture.State.View().Version, fixture.State.View().Source));

        fixture.Rewrite([("control", 60), ("treatment", 40)], timeoutMs: 2000);
        Assert.Equal([60, 40], fixture.State.View().Ensembles["mnist"].Arms.Select(a => a.Weight));
        Assert.Equal((4L, fixture.Provider.FilePath), (fixture.State.View().Version, fixture.State.View().Source));
        Assert.Contains(fixture.Logs.Entries, e => e.EventName == "StoredSplitDiscarded" && e.Message.Contains("the file wins", StringComparison.Ordinal));
        Assert.Empty(fixture.Store.LoadSplits());
    }

    [Fact]
    public void A_restart_applies_the_stored_split_and_discards_one_the_file_no_longer_fits()
    {
        using var fixture = new SplitFixture(null, File7030);
        Assert.True(fixture.Set(("control", 25), ("treatment", 75)).Succeeded);

        var restarted = fixture.Restart();
        Assert.Equal([25, 75], restarted.View().Ensembles["mnist"].Arms.Select(a => a.Weight));
        Assert.Equal((1L, TrafficSplitState.AdminSource), (restarted.View().Version, restarted.View().Source));
        Assert.Contains(fixture.Logs.Entries, e => e.EventName == "StoredSplitApplied");

        fixture.Store.SaveSplit(new StoredSplit(
            "fashion", new Dictionary<string, int> { ["x"] = 1 }, new Dictionary<string, int> { ["x"] = 1 }, "old", 1, SplitFixture.Now, TrafficSplitState.AdminSource));
        fixture.Restart();
        var discarded = Assert.Single(fixture.Logs.Entries, e => e.EventName == "StoredSplitDiscarded");
        Assert.Contains("'fashion'", discarded.Message, StringComparison.Ordinal);
        Assert.Contains("no longer has this ensemble", discarded.Message, StringComparison.Ordinal);
        Assert.Equal(["mnist"], fixture.Store.LoadSplits().Select(s => s.Ensemble));
    }

    [Fact]
    public void A_request_holding_another_snapshot_uses_the_split_only_where_it_still_fits()
    {
        using var fixture = new SplitFixture(null, File7030);
        Assert.True(fixture.Set(("control", 0), ("treatment", 1)).Succeeded);
        var table = fixture.State.Table;
        var ensemble = fixture.Ensemble;

        // A newer snapshot the table was not built on: same arms and file weights (another timeout) → the split;
        // other file weights → the snapshot's own weights, as the reconciliation will decide.
        var sameArms = ensemble with { Timeout = TimeSpan.FromSeconds(2), Arms = ensemble.Arms.Select(a => a with { }).ToArray() };
        var otherWeights = ensemble with { Arms = [ensemble.Arms[0] with { Weight = 1 }, ensemble.Arms[1] with { Weight = 0 }] };

        Assert.Equal(1, table.IndexOf(sameArms, 0.01));
        Assert.Equal(0, table.IndexOf(otherWeights, 0.99));
        Assert.Equal(1, table.IndexOf(ensemble, 0.01));
    }

    [Fact]
    public void Two_quick_reloads_end_with_the_table_of_the_latest_snapshot()
    {
        using var fixture = new SplitFixture(null, File7030);

        fixture.Rewrite([("control", 50), ("treatment", 50)]);
        fixture.Rewrite([("control", 20), ("treatment", 80)]);

        Assert.Same(fixture.Provider.Current, fixture.State.Table.Snapshot);
        Assert.Equal([20, 80], fixture.State.View().Ensembles["mnist"].Arms.Select(a => a.Weight));
    }

    private sealed class FailingStore : IExperimentStore
    {
        public IReadOnlyList<StoredSplit> LoadSplits() => [];

        public void SaveSplit(StoredSplit split) => throw new IOException("disk full");

        public void DeleteSplit(string ensemble) => throw new IOException("disk full");

        public IReadOnlyList<StoredFeedback> LoadFeedback() => [];

        public void AddFeedback(string ensemble, string arm, int rows, int correct) => throw new IOException("disk full");
    }
}
