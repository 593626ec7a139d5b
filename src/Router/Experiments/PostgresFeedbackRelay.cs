using Npgsql;

namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// <see cref="IFeedbackRelay"/> on the replicas' PostgreSQL database (table <c>feedback_forwarded</c>). Only feedback
/// that reached the wrong replica passes through it, so reading all waiting rows at each take stays small; a row is
/// taken by a <c>DELETE … RETURNING</c>, so two replicas never both score it.
/// </summary>
public sealed class PostgresFeedbackRelay(PostgresDatabase database) : IFeedbackRelay
{
    private readonly NpgsqlDataSource _source = database.Source;

    public bool Enabled => true;

    public bool Forward(string requestId, IReadOnlyList<int> labels, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand(
            "INSERT INTO feedback_forwarded (request_id, labels, at) VALUES ($1, $2, $3) ON CONFLICT (request_id) DO NOTHING;", connection);
        command.Parameters.AddWithValue(requestId);
        command.Parameters.AddWithValue(labels.ToArray());
        command.Parameters.AddWithValue(at.ToUniversalTime());
        return command.ExecuteNonQuery() == 1;
    }

    public (IReadOnlyList<ForwardedFeedback> Taken, int Dropped) Take(Func<string, bool> known, DateTimeOffset expireBefore)
    {
        ArgumentNullException.ThrowIfNull(known);
        using var connection = _source.OpenConnection();
        var mine = new List<string>();
        using (var command = new NpgsqlCommand("SELECT request_id FROM feedback_forwarded;", connection))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                string id = reader.GetString(0);
                if (known(id))
                {
                    mine.Add(id);
                }
            }
        }

        var taken = new List<ForwardedFeedback>();
        if (mine.Count > 0)
        {
            using var command = new NpgsqlCommand("DELETE FROM feedback_forwarded WHERE request_id = ANY($1) RETURNING request_id, labels, at;", connection);
            command.Parameters.AddWithValue(mine.ToArray());
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                taken.Add(new ForwardedFeedback(reader.GetString(0), reader.GetFieldValue<int[]>(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        using var expire = new NpgsqlCommand("DELETE FROM feedback_forwarded WHERE at < $1;", connection);
        expire.Parameters.AddWithValue(expireBefore.ToUniversalTime());
        return (taken, expire.ExecuteNonQuery());
    }
}
