using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EnsembleGrpc.Router.Tests.Experiments;

public sealed class SqliteExperimentStoreTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Splits_and_feedback_round_trip_through_a_file()
    {
        string path = Path.Combine(_files.Directory, "state", "router-state.db");
        using (var store = new SqliteExperimentStore(path))
        {
            store.SaveSplit(Split("mnist", 10, 90));
            store.SaveSplit(Split("mnist", 20, 80)); // replaces the first
            store.SaveSplit(Split("other", 1, 1));
            store.DeleteSplit("other");
            store.AddFeedback("mnist", "control", 10, 7);
            store.AddFeedback("mnist", "control", 5, 5);
            store.AddFeedback("mnist", "candidate", 3, 1);
        }

        using (var reopened = new SqliteExperimentStore(path))
        {
            var split = Assert.Single(reopened.LoadSplits());
            Assert.Equal("mnist", split.Ensemble);
            Assert.Equal(new Dictionary<string, int> { ["control"] = 20, ["candidate"] = 80 }, split.Weights);
            Assert.Equal(new Dictionary<string, int> { ["control"] = 70, ["candidate"] = 30 }, split.FileWeights);
            Assert.Equal(("abc123", 3L, At, "admin"), (split.ConfigSha256, split.ConfigVersion, split.SetAt, split.SetBy));
            Assert.Equal(
                [new StoredFeedback("mnist", "candidate", 3, 1), new StoredFeedback("mnist", "control", 15, 12)],
                reopened.LoadFeedback());
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Assert.Equal((long)SqliteExperimentStore.SchemaVersion, Scalar(connection, "PRAGMA user_version;"));
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public void A_newer_schema_is_refused_and_memory_keeps_nothing_on_disk()
    {
        string path = Path.Combine(_files.Directory, "newer.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<InvalidOperationException>(() => new SqliteExperimentStore(path));
        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);

        using var memory = new SqliteExperimentStore(ExperimentStatePaths.InMemory);
        memory.AddFeedback("mnist", "control", 2, 1);
        Assert.Equal([new StoredFeedback("mnist", "control", 2, 1)], memory.LoadFeedback());
        Assert.False(File.Exists(ExperimentStatePaths.InMemory));
    }

    private static StoredSplit Split(string ensemble, int control, int candidate) => new(
        ensemble,
        new Dictionary<string, int> { ["control"] = control, ["candidate"] = candidate },
        new Dictionary<string, int> { ["control"] = 70, ["candidate"] = 30 },
        "abc123",
        3,
        At,
        "admin");

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
