using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Feedback;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Traffic;

public sealed class FeedbackScorerTests : IDisposable
{
    private readonly RequestLedger _ledger = new();
    private readonly TrafficStatistics _statistics = new();
    private readonly SqliteExperimentStore _store = new(ExperimentStatePaths.InMemory);
    private readonly CapturingLoggerProvider _logs = new();

    public FeedbackScorerTests()
    {
        _ledger.Record(new LedgerEntry("r1", "mnist", "control", "bagging", [1, 2, 3, 4]));
        _ledger.Record(new LedgerEntry("r2", "mnist", "control", "bagging", [7, 7]));
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Labels_are_scored_against_the_arms_predictions_in_memory_and_in_the_store()
    {
        var scorer = Scorer(_store);

        var first = scorer.Score("r1", [1, 2, 3, 0]);
        var second = scorer.Score("r2", [7, 7]);

        Assert.Equal(FeedbackError.None, first.Error);
        Assert.Equal(("mnist", "control", 3, 4), (first.Ensemble, first.Arm, first.Correct, first.Total));
        Assert.Equal(0.75, first.ArmOnlineAccuracy);
        Assert.Equal(5.0 / 6, second.ArmOnlineAccuracy);
        var stored = Assert.Single(_store.LoadFeedback());
        Assert.Equal((6L, 5L), (stored.Rows, stored.Correct));
        Assert.Equal((6L, 5L), (_statistics.Arm("mnist", "control").FeedbackRows, _statistics.Arm("mnist", "control").FeedbackCorrect));
    }

    [Fact]
    public void Each_refusal_has_its_error_and_counts_nothing()
    {
        var scorer = Scorer(_store);

        var unknown = scorer.Score("nope", [1]);
        var count = scorer.Score("r1", [1, 2]);
        var range = scorer.Score("r1", [1, 2, 3, 10]);
        var negative = scorer.Score("r1", [1, 2, -1, 4]);

        Assert.Equal(FeedbackError.UnknownRequest, unknown.Error);
        Assert.Contains("'nope' is unknown or already forgotten", unknown.Message, StringComparison.Ordinal);
        Assert.Equal((FeedbackError.WrongLabelCount, "request 'r1' had 4 row(s); got 2 label(s)."), (count.Error, count.Message));
        Assert.Equal((FeedbackError.LabelOutOfRange, "labels must be in 0..9."), (range.Error, range.Message));
        Assert.Equal(FeedbackError.LabelOutOfRange, negative.Error);
        Assert.Empty(_store.LoadFeedback());
        Assert.Equal(0, _statistics.Arm("mnist", "control").FeedbackRows);

        // Refusals do not use up the request: valid labels still score once, and only once.
        Assert.True(scorer.Score("r1", [1, 2, 3, 4]).Succeeded);
        var again = scorer.Score("r1", [1, 2, 3, 4]);
        Assert.Equal((FeedbackError.AlreadyScored, "feedback for request 'r1' was already submitted."), (again.Error, again.Message));
        Assert.Equal(4, _statistics.Arm("mnist", "control").FeedbackRows);
    }

    [Fact]
    public void Feedback_the_store_cannot_keep_still_counts_until_a_restart_and_is_logged()
    {
        var scorer = Scorer(new BrokenStore());

        var outcome = scorer.Score("r1", [1, 2, 3, 0]);

        Assert.True(outcome.Succeeded);
        Assert.Equal(0.75, outcome.ArmOnlineAccuracy);
        var error = Assert.Single(_logs.Entries, e => e.EventName == "FeedbackNotStored");
        Assert.Equal(LogLevel.Error, error.Level);
    }

    private FeedbackScorer Scorer(IExperimentStore store) =>
        new(_ledger, _statistics, store, NoFeedbackRelay.Instance, TimeProvider.System, new Logger<FeedbackScorer>(new LoggerFactory([_logs])));

    private sealed class BrokenStore : IExperimentStore
    {
        public IReadOnlyList<StoredSplit> LoadSplits() => [];

        public void SaveSplit(StoredSplit split) => throw new IOException("disk full");

        public void DeleteSplit(string ensemble) => throw new IOException("disk full");

        public IReadOnlyList<StoredFeedback> LoadFeedback() => [];

        public void AddFeedback(string ensemble, string arm, int rows, int correct) => throw new IOException("disk full");
    }
}
