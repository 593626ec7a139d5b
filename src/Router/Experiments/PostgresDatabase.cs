using Npgsql;

namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// The experiment state in PostgreSQL, shared by every router replica that names the same database in <c>--state</c>
/// (a connection string <c>Host=…;Database=…</c>, or a <c>postgres://user:password@host:port/database</c> URI).
/// Opening it creates the schema when absent: the splits and feedback of <see cref="PostgresExperimentStore"/> and
/// the rollouts, decisions, published counts and decider lease of the rollout store, and the feedback that reached
/// another replica than the one that answered (<see cref="PostgresFeedbackRelay"/>). Replicas starting together
/// serialise the creation on an advisory lock, since <c>CREATE … IF NOT EXISTS</c> alone races in PostgreSQL.
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    // Any constant both replicas agree on; only the schema creation takes it.
    private const long SchemaLock = 0x45475250_53544154;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS traffic_split (
            ensemble text PRIMARY KEY,
            config_sha256 text NOT NULL,
            config_version bigint NOT NULL,
            set_at timestamptz NOT NULL,
            set_by text NOT NULL);
        CREATE TABLE IF NOT EXISTS traffic_split_arm (
            ensemble text NOT NULL,
            arm text NOT NULL,
            weight integer NOT NULL,
            file_weight integer NOT NULL,
            PRIMARY KEY (ensemble, arm));
        CREATE TABLE IF NOT EXISTS arm_feedback (
            ensemble text NOT NULL,
            arm text NOT NULL,
            labelled bigint NOT NULL,
            correct bigint NOT NULL,
            PRIMARY KEY (ensemble, arm));
        CREATE TABLE IF NOT EXISTS rollout (
            id text PRIMARY KEY,
            created bigserial,
            ensemble text NOT NULL,
            status text NOT NULL,
            decisions bigint NOT NULL,
            state_json text NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS rollout_one_active_per_ensemble ON rollout (ensemble) WHERE status IN ('Running', 'Paused');
        CREATE TABLE IF NOT EXISTS rollout_decision (
            rollout_id text NOT NULL,
            seq bigint NOT NULL,
            at timestamptz NOT NULL,
            kind text NOT NULL,
            replica text NOT NULL,
            lease_epoch bigint,
            decision_json text NOT NULL,
            PRIMARY KEY (rollout_id, seq));
        CREATE TABLE IF NOT EXISTS rollout_observation (
            id bigserial PRIMARY KEY,
            rollout_id text NOT NULL,
            replica text NOT NULL,
            step integer NOT NULL,
            at timestamptz NOT NULL,
            observation_json text NOT NULL);
        CREATE INDEX IF NOT EXISTS rollout_observation_by_rollout ON rollout_observation (rollout_id, id);
        CREATE TABLE IF NOT EXISTS feedback_forwarded (
            request_id text PRIMARY KEY,
            labels integer[] NOT NULL,
            at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS rollout_lease (
            name text PRIMARY KEY,
            holder text NOT NULL,
            epoch bigint NOT NULL,
            expires_at timestamptz NOT NULL);
        """;

    private PostgresDatabase(NpgsqlDataSource source) => Source = source;

    public NpgsqlDataSource Source { get; }

    /// <summary>Whether <c>--state</c> names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsConnectionString(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || state.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || state.Contains("Host=", StringComparison.OrdinalIgnoreCase);
    }

    /// <exception cref="ExperimentStateException">The server cannot be reached or the schema cannot be created.</exception>
    public static PostgresDatabase Open(string state)
    {
        NpgsqlDataSource source;
        try
        {
            source = NpgsqlDataSource.Create(ToConnectionString(state));
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password.
            throw new ExperimentStateException($"experiment state: not a PostgreSQL connection string ({ex.Message}).", ex);
        }

        try
        {
            using var connection = source.OpenConnection();
            using var transaction = connection.BeginTransaction();
            using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1);", connection, transaction))
            {
                command.Parameters.AddWithValue(SchemaLock);
                command.ExecuteNonQuery();
            }

            using (var command = new NpgsqlCommand(Schema, connection, transaction))
            {
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            return new PostgresDatabase(source);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            source.Dispose();
            var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
            throw new ExperimentStateException(
                $"experiment state: PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port} cannot be opened ({ex.Message}).", ex);
        }
    }

    /// <summary>A <c>postgres://user:password@host:port/database</c> URI as Npgsql's keyword form; anything else as given.</summary>
    public static string ToConnectionString(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Contains("://", StringComparison.Ordinal))
        {
            return state;
        }

        var uri = new Uri(state);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Split(':', 2) is [var user, ..] parts && user.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user);
            builder.Password = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        return builder.ConnectionString;
    }

    public void Dispose() => Source.Dispose();
}
