using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// The default <see cref="IExperimentStore"/>: one embedded SQLite file (WAL mode), schema created on open and
/// versioned with <c>PRAGMA user_version</c>. One connection, used under a lock: writes are rare admin calls.
/// </summary>
public sealed class SqliteExperimentStore : IExperimentStore, IDisposable
{
    public const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Opens (creating when absent) the database at <paramref name="path"/>; <c>:memory:</c> keeps it in memory.</summary>
    public SqliteExperimentStore(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = path == ExperimentStatePaths.InMemory ? SqliteOpenMode.Memory : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        };
        if (path != ExperimentStatePaths.InMemory && Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        try
        {
            Migrate();
            CheckIntegrity();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public IReadOnlyList<StoredSplit> LoadSplits()
    {
        lock (_gate)
        {
            Dictionary<string, (Dictionary<string, int> Weights, Dictionary<string, int> File)> arms;
            using (var command = Command("SELECT ensemble, arm, weight, file_weight FROM traffic_split_arm ORDER BY ensemble, arm;"))
            using (var reader = command.ExecuteReader())
            {
                arms = StoredSplitRows.ReadArms(reader);
            }

            using (var command = Command("SELECT ensemble, config_sha256, config_version, set_at, set_by FROM traffic_split ORDER BY ensemble;"))
            using (var reader = command.ExecuteReader())
            {
                return StoredSplitRows.ReadSplits(reader, arms, r => DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
            }
        }
    }

    public void SaveSplit(StoredSplit split)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Delete(split.Ensemble, transaction);
            using (var command = Command(
                "INSERT INTO traffic_split (ensemble, config_sha256, config_version, set_at, set_by) VALUES ($ensemble, $sha, $version, $at, $by);",
                transaction))
            {
                command.Parameters.AddWithValue("$ensemble", split.Ensemble);
                command.Parameters.AddWithValue("$sha", split.ConfigSha256);
                command.Parameters.AddWithValue("$version", split.ConfigVersion);
                command.Parameters.AddWithValue("$at", split.SetAt.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$by", split.SetBy);
                command.ExecuteNonQuery();
            }

            using (var command = Command(
                "INSERT INTO traffic_split_arm (ensemble, arm, weight, file_weight) VALUES ($ensemble, $arm, $weight, $file);",
                transaction))
            {
                var arm = command.Parameters.Add("$arm", SqliteType.Text);
                var weight = command.Parameters.Add("$weight", SqliteType.Integer);
                var file = command.Parameters.Add("$file", SqliteType.Integer);
                command.Parameters.AddWithValue("$ensemble", split.Ensemble);
                foreach (var (name, value) in split.Weights)
                {
                    arm.Value = name;
                    weight.Value = value;
                    file.Value = split.FileWeights.GetValueOrDefault(name);
                    command.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }
    }

    public void DeleteSplit(string ensemble)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Delete(ensemble, transaction);
            transaction.Commit();
        }
    }

    public IReadOnlyList<StoredFeedback> LoadFeedback()
    {
        lock (_gate)
        {
            var feedback = new List<StoredFeedback>();
            using var command = Command("SELECT ensemble, arm, rows, correct FROM arm_feedback ORDER BY ensemble, arm;");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                feedback.Add(new StoredFeedback(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
            }

            return feedback;
        }
    }

    public void AddFeedback(string ensemble, string arm, int rows, int correct)
    {
        lock (_gate)
        {
            using var command = Command("""
                INSERT INTO arm_feedback (ensemble, arm, rows, correct) VALUES ($ensemble, $arm, $rows, $correct)
                ON CONFLICT (ensemble, arm) DO UPDATE SET rows = rows + excluded.rows, correct = correct + excluded.correct;
                """);
            command.Parameters.AddWithValue("$ensemble", ensemble);
            command.Parameters.AddWithValue("$arm", arm);
            command.Parameters.AddWithValue("$rows", rows);
            command.Parameters.AddWithValue("$correct", correct);
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void Migrate()
    {
        using (var wal = Command("PRAGMA journal_mode = WAL;"))
        {
            // In-memory databases answer "memory": WAL only applies to files.
            wal.ExecuteScalar();
        }

        long version;
        using (var command = Command("PRAGMA user_version;"))
        {
            version = (long)command.ExecuteScalar()!;
        }

        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"experiment state '{_connection.DataSource}' has schema version {version}; this router knows up to {SchemaVersion}.");
        }

        if (version == SchemaVersion)
        {
            return;
        }

        using var transaction = _connection.BeginTransaction();
        using (var command = Command(
            """
            CREATE TABLE IF NOT EXISTS traffic_split (
                ensemble TEXT NOT NULL PRIMARY KEY,
                config_sha256 TEXT NOT NULL,
                config_version INTEGER NOT NULL,
                set_at TEXT NOT NULL,
                set_by TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS traffic_split_arm (
                ensemble TEXT NOT NULL,
                arm TEXT NOT NULL,
                weight INTEGER NOT NULL,
                file_weight INTEGER NOT NULL,
                PRIMARY KEY (ensemble, arm));
            CREATE TABLE IF NOT EXISTS arm_feedback (
                ensemble TEXT NOT NULL,
                arm TEXT NOT NULL,
                rows INTEGER NOT NULL,
                correct INTEGER NOT NULL,
                PRIMARY KEY (ensemble, arm));
            """,
            transaction))
        {
            command.ExecuteNonQuery();
        }

        using (var command = Command(FormattableString.Invariant($"PRAGMA user_version = {SchemaVersion};"), transaction))
        {
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>
    /// A truncated file can still answer <c>PRAGMA user_version</c> from its header and fail only on the first read of
    /// a table, after start-up; <c>quick_check</c> reads every page now so a bad file is found while it can be moved aside.
    /// </summary>
    private void CheckIntegrity()
    {
        using var command = Command("PRAGMA quick_check;");
        string result = command.ExecuteScalar() as string ?? "no answer";
        if (!string.Equals(result, "ok", StringComparison.Ordinal))
        {
            const int SqliteCorrupt = 11;
            throw new SqliteException($"SQLite integrity check failed: {result}", SqliteCorrupt);
        }
    }

    private void Delete(string ensemble, SqliteTransaction transaction)
    {
        using var command = Command("DELETE FROM traffic_split_arm WHERE ensemble = $ensemble; DELETE FROM traffic_split WHERE ensemble = $ensemble;", transaction);
        command.Parameters.AddWithValue("$ensemble", ensemble);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
