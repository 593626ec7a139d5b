using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EnsembleGrpc.Router.Rollouts.Persistence;

/// <summary>
/// Rollouts in the experiment-state SQLite file (its own tables beside the splits and feedback, its own connection):
/// <c>rollout</c> holds each rollout's latest state as JSON, <c>rollout_decision</c> every decision with its evidence,
/// keyed by (rollout, number) so that a number cannot be stored twice.
/// </summary>
public sealed class SqliteRolloutStore : IRolloutStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteRolloutStore(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = path == ":memory:" ? SqliteOpenMode.Memory : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 5,
        };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        Execute("""
            CREATE TABLE IF NOT EXISTS rollout (
                id TEXT NOT NULL PRIMARY KEY,
                ensemble TEXT NOT NULL,
                status TEXT NOT NULL,
                decisions INTEGER NOT NULL,
                state_json TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS rollout_decision (
                rollout_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                decision_json TEXT NOT NULL,
                PRIMARY KEY (rollout_id, seq));
            """);
    }

    public IReadOnlyList<RolloutState> LoadRollouts()
    {
        lock (_gate)
        {
            using var command = Command("SELECT state_json FROM rollout ORDER BY rowid;");
            using var reader = command.ExecuteReader();
            var states = new List<RolloutState>();
            while (reader.Read())
            {
                states.Add(RolloutJson.Deserialize<RolloutState>(reader.GetString(0)));
            }

            return states;
        }
    }

    public void SaveState(RolloutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            Upsert(state, transaction);
            transaction.Commit();
        }
    }

    public void SaveDecision(RolloutState state, RolloutDecision decision)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using (var command = Command(
                "INSERT INTO rollout_decision (rollout_id, seq, at, kind, decision_json) VALUES ($id, $seq, $at, $kind, $json);", transaction))
            {
                command.Parameters.AddWithValue("$id", state.Id);
                command.Parameters.AddWithValue("$seq", decision.Sequence);
                command.Parameters.AddWithValue("$at", decision.At.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("$kind", decision.Kind.ToString());
                command.Parameters.AddWithValue("$json", RolloutJson.Serialize(decision));
                command.ExecuteNonQuery();
            }

            Upsert(state, transaction);
            transaction.Commit();
        }
    }

    public IReadOnlyList<RolloutDecision> LoadDecisions(string rolloutId)
    {
        lock (_gate)
        {
            using var command = Command("SELECT decision_json FROM rollout_decision WHERE rollout_id = $id ORDER BY seq;");
            command.Parameters.AddWithValue("$id", rolloutId);
            using var reader = command.ExecuteReader();
            var decisions = new List<RolloutDecision>();
            while (reader.Read())
            {
                decisions.Add(RolloutJson.Deserialize<RolloutDecision>(reader.GetString(0)));
            }

            return decisions;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void Upsert(RolloutState state, SqliteTransaction transaction)
    {
        using var command = Command("""
            INSERT INTO rollout (id, ensemble, status, decisions, state_json) VALUES ($id, $ensemble, $status, $decisions, $json)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, decisions = excluded.decisions, state_json = excluded.state_json;
            """, transaction);
        command.Parameters.AddWithValue("$id", state.Id);
        command.Parameters.AddWithValue("$ensemble", state.Ensemble);
        command.Parameters.AddWithValue("$status", state.Status.ToString());
        command.Parameters.AddWithValue("$decisions", state.Decisions);
        command.Parameters.AddWithValue("$json", RolloutJson.Serialize(state));
        command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
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
