using Npgsql;

namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// <see cref="IExperimentStore"/> in a PostgreSQL database shared by router replicas (<see cref="PostgresDatabase"/>):
/// the same tables as <see cref="SqliteExperimentStore"/>. Feedback adds to the totals in one statement, so replicas
/// that take feedback at the same time both count. Connections come from Npgsql's pool, one per call.
/// </summary>
public sealed class PostgresExperimentStore(PostgresDatabase database) : IExperimentStore
{
    private readonly NpgsqlDataSource _source = database.Source;

    public IReadOnlyList<StoredSplit> LoadSplits()
    {
        using var connection = _source.OpenConnection();
        Dictionary<string, (Dictionary<string, int> Weights, Dictionary<string, int> File)> arms;
        using (var command = new NpgsqlCommand("SELECT ensemble, arm, weight, file_weight FROM traffic_split_arm ORDER BY ensemble, arm;", connection))
        using (var reader = command.ExecuteReader())
        {
            arms = StoredSplitRows.ReadArms(reader);
        }

        using (var command = new NpgsqlCommand("SELECT ensemble, config_sha256, config_version, set_at, set_by FROM traffic_split ORDER BY ensemble;", connection))
        using (var reader = command.ExecuteReader())
        {
            return StoredSplitRows.ReadSplits(reader, arms, r => r.GetFieldValue<DateTimeOffset>(3));
        }
    }

    public void SaveSplit(StoredSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Delete(split.Ensemble, connection, transaction);
        using (var command = new NpgsqlCommand(
            "INSERT INTO traffic_split (ensemble, config_sha256, config_version, set_at, set_by) VALUES ($1, $2, $3, $4, $5);", connection, transaction))
        {
            command.Parameters.AddWithValue(split.Ensemble);
            command.Parameters.AddWithValue(split.ConfigSha256);
            command.Parameters.AddWithValue(split.ConfigVersion);
            command.Parameters.AddWithValue(split.SetAt.ToUniversalTime());
            command.Parameters.AddWithValue(split.SetBy);
            command.ExecuteNonQuery();
        }

        foreach (var (arm, weight) in split.Weights)
        {
            using var command = new NpgsqlCommand(
                "INSERT INTO traffic_split_arm (ensemble, arm, weight, file_weight) VALUES ($1, $2, $3, $4);", connection, transaction);
            command.Parameters.AddWithValue(split.Ensemble);
            command.Parameters.AddWithValue(arm);
            command.Parameters.AddWithValue(weight);
            command.Parameters.AddWithValue(split.FileWeights.GetValueOrDefault(arm));
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public void DeleteSplit(string ensemble)
    {
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Delete(ensemble, connection, transaction);
        transaction.Commit();
    }

    public IReadOnlyList<StoredFeedback> LoadFeedback()
    {
        using var command = _source.CreateCommand("SELECT ensemble, arm, labelled, correct FROM arm_feedback ORDER BY ensemble, arm;");
        using var reader = command.ExecuteReader();
        var feedback = new List<StoredFeedback>();
        while (reader.Read())
        {
            feedback.Add(new StoredFeedback(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return feedback;
    }

    public void AddFeedback(string ensemble, string arm, int rows, int correct)
    {
        using var command = _source.CreateCommand("""
            INSERT INTO arm_feedback (ensemble, arm, labelled, correct) VALUES ($1, $2, $3, $4)
            ON CONFLICT (ensemble, arm) DO UPDATE SET labelled = arm_feedback.labelled + excluded.labelled, correct = arm_feedback.correct + excluded.correct;
            """);
        command.Parameters.AddWithValue(ensemble);
        command.Parameters.AddWithValue(arm);
        command.Parameters.AddWithValue((long)rows);
        command.Parameters.AddWithValue((long)correct);
        command.ExecuteNonQuery();
    }

    private static void Delete(string ensemble, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        foreach (string table in (string[])["traffic_split_arm", "traffic_split"])
        {
            using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE ensemble = $1;", connection, transaction);
            command.Parameters.AddWithValue(ensemble);
            command.ExecuteNonQuery();
        }
    }
}
