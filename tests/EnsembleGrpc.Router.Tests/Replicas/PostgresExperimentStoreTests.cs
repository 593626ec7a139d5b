using EnsembleGrpc.Router.Experiments;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>The experiment store on a real PostgreSQL server, written by two replicas at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresExperimentStoreTests(PostgresServer server)
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [PostgresFact]
    public async Task Splits_round_trip_and_feedback_from_replicas_at_once_adds_up()
    {
        string connection = server.CreateDatabase();
        using var first = PostgresDatabase.Open(connection);
        using var second = PostgresDatabase.Open(connection); // a second replica: the schema is there already
        var (a, b) = (new PostgresExperimentStore(first), new PostgresExperimentStore(second));

        a.SaveSplit(Split(10, 90));
        b.SaveSplit(Split(20, 80)); // replaces the first
        await Task.WhenAll(
            Task.Run(() => Feedback(a, 100)),
            Task.Run(() => Feedback(b, 100)));

        var split = Assert.Single(a.LoadSplits());
        Assert.Equal(new Dictionary<string, int> { ["control"] = 20, ["candidate"] = 80 }, split.Weights);
        Assert.Equal(new Dictionary<string, int> { ["control"] = 70, ["candidate"] = 30 }, split.FileWeights);
        Assert.Equal(("abc123", 3L, At, "admin"), (split.ConfigSha256, split.ConfigVersion, split.SetAt, split.SetBy));
        Assert.Equal([new StoredFeedback("mnist", "control", 600, 400)], b.LoadFeedback());
        b.DeleteSplit("mnist");
        Assert.Empty(a.LoadSplits());
    }

    private static void Feedback(PostgresExperimentStore store, int times)
    {
        for (int i = 0; i < times; i++)
        {
            store.AddFeedback("mnist", "control", 3, 2);
        }
    }

    private static StoredSplit Split(int control, int candidate) => new(
        "mnist",
        new Dictionary<string, int> { ["control"] = control, ["candidate"] = candidate },
        new Dictionary<string, int> { ["control"] = 70, ["candidate"] = 30 },
        "abc123",
        3,
        At,
        "admin");
}
