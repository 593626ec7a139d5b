using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Feedback;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>
/// Feedback that a load balancer sends to another replica than the one that answered: on a shared PostgreSQL store it
/// waits there and the answering replica scores it, once; labels no replica knows are dropped after their wait.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ForwardedFeedbackTests(PostgresServer server)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero));

    [PostgresFact]
    public void Feedback_sent_to_the_other_replica_is_scored_by_the_one_that_answered_and_only_once()
    {
        string connection = server.CreateDatabase();
        using var databaseA = PostgresDatabase.Open(connection);
        using var databaseB = PostgresDatabase.Open(connection);
        var a = new Replica(databaseA, _time);
        var b = new Replica(databaseB, _time);
        a.Ledger.Record(new LedgerEntry("req-1", "mnist", "candidate", "vote", [7, 2]));

        var atB = b.Scorer.Score("req-1", [7, 3]);
        var again = b.Scorer.Score("req-1", [7, 3]);

        Assert.True(atB.Succeeded && atB.Forwarded);
        Assert.Equal(2, atB.Total);
        Assert.Equal(FeedbackError.AlreadyScored, again.Error);
        Assert.Equal(0, b.Pump.Pump()); // B did not answer req-1: it leaves it
        Assert.Equal(1, a.Pump.Pump());
        Assert.Equal(0, a.Pump.Pump()); // taken once
        var counters = a.Statistics.Arm("mnist", "candidate");
        Assert.Equal((2L, 1L), (counters.FeedbackRows, counters.FeedbackCorrect));
        Assert.Equal(0, b.Statistics.Arm("mnist", "candidate").FeedbackRows);
        Assert.Equal(FeedbackError.AlreadyScored, a.Scorer.Score("req-1", [7, 2]).Error);
        Assert.Equal([new StoredFeedback("mnist", "candidate", 2, 1)], new PostgresExperimentStore(databaseB).LoadFeedback());
    }

    [PostgresFact]
    public void Labels_no_replica_knows_wait_their_time_and_are_dropped_and_bad_labels_are_refused_at_once()
    {
        string connection = server.CreateDatabase();
        using var database = PostgresDatabase.Open(connection);
        var a = new Replica(database, _time);

        Assert.True(a.Scorer.Score("req-gone", [1]).Forwarded);
        Assert.Equal(FeedbackError.LabelOutOfRange, a.Scorer.Score("req-other", [10]).Error);
        _time.Advance(TimeSpan.FromSeconds(599));
        Assert.Equal((0, 0), Take(database));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((0, 1), Take(database));
    }

    private (int Taken, int Dropped) Take(PostgresDatabase database)
    {
        var (taken, dropped) = new PostgresFeedbackRelay(database).Take(_ => false, _time.GetUtcNow().AddSeconds(-600));
        return (taken.Count, dropped);
    }

    /// <summary>The feedback path of one router replica on the shared database.</summary>
    private sealed class Replica
    {
        public Replica(PostgresDatabase database, TimeProvider time)
        {
            var relay = new PostgresFeedbackRelay(database);
            Scorer = new FeedbackScorer(Ledger, Statistics, new PostgresExperimentStore(database), relay, time, NullLogger<FeedbackScorer>.Instance);
            Pump = new FeedbackRelayPump(relay, Ledger, Scorer, Options.Create(new FeedbackRelayOptions()), time, NullLogger<FeedbackRelayPump>.Instance);
        }

        public RequestLedger Ledger { get; } = new();

        public TrafficStatistics Statistics { get; } = new();

        public FeedbackScorer Scorer { get; }

        public FeedbackRelayPump Pump { get; }
    }
}
