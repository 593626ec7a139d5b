using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Rollouts.Replicas;
using Npgsql;

namespace EnsembleGrpc.Router.Rollouts.Persistence;

/// <summary>
/// Rollouts in PostgreSQL, shared by router replicas. Every write of a rollout is a compare-and-set on its decision
/// count (a state read before someone else's decision is refused), a decision number is stored at most once (primary
/// key), and a second active rollout of one ensemble is refused (partial unique index). The decider's writes
/// (<see cref="IReplicaStore"/>) also check the lease row, locked <c>FOR SHARE</c> in the same transaction, and delete
/// exactly the published counts they consumed. Operators' commands (<see cref="IRolloutStore"/>) need no lease: the
/// compare-and-set orders them with the decider's decisions.
/// </summary>
public sealed class PostgresRolloutStore(PostgresDatabase database, string replica) : IRolloutStore, IReplicaStore
{
    private const string LeaseName = "decider";
    private readonly NpgsqlDataSource _source = database.Source;

    public string Replica { get; } = replica;

    /// <summary>A name no other process has: host, process id and a random suffix (two routers in one container, or a reused pid).</summary>
    public static string NewReplicaName() =>
        FormattableString.Invariant($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");

    public IReadOnlyList<RolloutState> LoadRollouts()
    {
        using var command = _source.CreateCommand("SELECT state_json FROM rollout ORDER BY created;");
        using var reader = command.ExecuteReader();
        var states = new List<RolloutState>();
        while (reader.Read())
        {
            states.Add(RolloutJson.Deserialize<RolloutState>(reader.GetString(0)));
        }

        return states;
    }

    public IReadOnlyList<RolloutDecision> LoadDecisions(string rolloutId)
    {
        using var command = _source.CreateCommand("SELECT decision_json FROM rollout_decision WHERE rollout_id = $1 ORDER BY seq;");
        command.Parameters.AddWithValue(rolloutId);
        using var reader = command.ExecuteReader();
        var decisions = new List<RolloutDecision>();
        while (reader.Read())
        {
            decisions.Add(RolloutJson.Deserialize<RolloutDecision>(reader.GetString(0)));
        }

        return decisions;
    }

    public void SaveState(RolloutState state) => Write(state, null, null, [], DateTimeOffset.MinValue);

    public void SaveDecision(RolloutState state, RolloutDecision decision) => Write(state, decision, null, [], DateTimeOffset.MinValue);

    public void SaveState(RolloutState state, DecisionLease lease, IReadOnlyList<long> consumed, DateTimeOffset now) => Write(state, null, lease, consumed, now);

    public void SaveDecision(RolloutState state, RolloutDecision decision, DecisionLease lease, IReadOnlyList<long> consumed, DateTimeOffset now) =>
        Write(state, decision, lease, consumed, now);

    public DecisionLease? TryLead(DateTimeOffset now, TimeSpan ttl)
    {
        // The epoch rises when the holder changes; a holder renewing (even late, when nobody took over) keeps it.
        using var command = _source.CreateCommand("""
            INSERT INTO rollout_lease (name, holder, epoch, expires_at) VALUES ($1, $2, 1, $4)
            ON CONFLICT (name) DO UPDATE SET
                holder = excluded.holder,
                epoch = CASE WHEN rollout_lease.holder = excluded.holder THEN rollout_lease.epoch ELSE rollout_lease.epoch + 1 END,
                expires_at = excluded.expires_at
            WHERE rollout_lease.holder = excluded.holder OR rollout_lease.expires_at <= $3
            RETURNING epoch;
            """);
        command.Parameters.AddWithValue(LeaseName);
        command.Parameters.AddWithValue(Replica);
        command.Parameters.AddWithValue(now.ToUniversalTime());
        command.Parameters.AddWithValue((now + ttl).ToUniversalTime());
        return command.ExecuteScalar() is long epoch ? new DecisionLease(Replica, epoch, now + ttl) : null;
    }

    public void Publish(string rolloutId, int step, RolloutObservation observation, DateTimeOffset now)
    {
        using var command = _source.CreateCommand(
            "INSERT INTO rollout_observation (rollout_id, replica, step, at, observation_json) VALUES ($1, $2, $3, $4, $5);");
        command.Parameters.AddWithValue(rolloutId);
        command.Parameters.AddWithValue(Replica);
        command.Parameters.AddWithValue(step);
        command.Parameters.AddWithValue(now.ToUniversalTime());
        command.Parameters.AddWithValue(RolloutJson.Serialize(observation));
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<PublishedObservation> Pending(string rolloutId)
    {
        using var command = _source.CreateCommand("SELECT id, replica, step, observation_json FROM rollout_observation WHERE rollout_id = $1 ORDER BY id;");
        command.Parameters.AddWithValue(rolloutId);
        using var reader = command.ExecuteReader();
        var pending = new List<PublishedObservation>();
        while (reader.Read())
        {
            pending.Add(new PublishedObservation(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), RolloutJson.Deserialize<RolloutObservation>(reader.GetString(3))));
        }

        return pending;
    }

    private void Write(RolloutState state, RolloutDecision? decision, DecisionLease? lease, IReadOnlyList<long> consumed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        try
        {
            if (lease is not null)
            {
                Fence(connection, transaction, lease, now);
            }

            Consume(connection, transaction, consumed);
            if (decision is not null)
            {
                InsertDecision(connection, transaction, state, decision, lease);
            }

            long expected = decision is null ? state.Decisions : decision.Sequence - 1;
            if (expected == 0 && decision is not null)
            {
                InsertRollout(connection, transaction, state);
            }
            else
            {
                UpdateRollout(connection, transaction, state, expected);
            }

            transaction.Commit();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new StaleWriteException($"rollout {state.Id}: {ex.ConstraintName} refused the write (decision number taken, or the ensemble has another active rollout).", ex);
        }
    }

    /// <summary>FOR SHARE: a replica taking the lease over waits until this write commits or rolls back.</summary>
    private static void Fence(NpgsqlConnection connection, NpgsqlTransaction transaction, DecisionLease lease, DateTimeOffset now)
    {
        using var command = new NpgsqlCommand("SELECT holder, epoch, expires_at FROM rollout_lease WHERE name = $1 FOR SHARE;", connection, transaction);
        command.Parameters.AddWithValue(LeaseName);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new StaleWriteException("no decider lease is stored.");
        }

        var (holder, epoch, expires) = (reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2));
        if (holder != lease.Holder || epoch != lease.Epoch || expires <= now)
        {
            throw new StaleWriteException(FormattableString.Invariant(
                $"the decider lease is {holder} epoch {epoch} until {expires:O}; this write was made under {lease.Holder} epoch {lease.Epoch} at {now:O}."));
        }
    }

    private static void Consume(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<long> consumed)
    {
        if (consumed.Count == 0)
        {
            return;
        }

        using var command = new NpgsqlCommand("DELETE FROM rollout_observation WHERE id = ANY($1);", connection, transaction);
        command.Parameters.AddWithValue(consumed.ToArray());
        if (command.ExecuteNonQuery() != consumed.Count)
        {
            throw new StaleWriteException($"{consumed.Count} published count(s) were read but some were consumed already.");
        }
    }

    private void InsertDecision(NpgsqlConnection connection, NpgsqlTransaction transaction, RolloutState state, RolloutDecision decision, DecisionLease? lease)
    {
        using var command = new NpgsqlCommand(
            "INSERT INTO rollout_decision (rollout_id, seq, at, kind, replica, lease_epoch, decision_json) VALUES ($1, $2, $3, $4, $5, $6, $7);", connection, transaction);
        command.Parameters.AddWithValue(state.Id);
        command.Parameters.AddWithValue(decision.Sequence);
        command.Parameters.AddWithValue(decision.At.ToUniversalTime());
        command.Parameters.AddWithValue(decision.Kind.ToString());
        command.Parameters.AddWithValue(Replica);
        command.Parameters.AddWithValue(lease is null ? DBNull.Value : (object)lease.Epoch);
        command.Parameters.AddWithValue(RolloutJson.Serialize(decision));
        command.ExecuteNonQuery();
    }

    private static void InsertRollout(NpgsqlConnection connection, NpgsqlTransaction transaction, RolloutState state)
    {
        using var command = new NpgsqlCommand("INSERT INTO rollout (id, ensemble, status, decisions, state_json) VALUES ($1, $2, $3, $4, $5);", connection, transaction);
        command.Parameters.AddWithValue(state.Id);
        command.Parameters.AddWithValue(state.Ensemble);
        command.Parameters.AddWithValue(state.Status.ToString());
        command.Parameters.AddWithValue(state.Decisions);
        command.Parameters.AddWithValue(RolloutJson.Serialize(state));
        command.ExecuteNonQuery();
    }

    private static void UpdateRollout(NpgsqlConnection connection, NpgsqlTransaction transaction, RolloutState state, long expected)
    {
        using var command = new NpgsqlCommand(
            "UPDATE rollout SET status = $2, decisions = $3, state_json = $4 WHERE id = $1 AND decisions = $5;", connection, transaction);
        command.Parameters.AddWithValue(state.Id);
        command.Parameters.AddWithValue(state.Status.ToString());
        command.Parameters.AddWithValue(state.Decisions);
        command.Parameters.AddWithValue(RolloutJson.Serialize(state));
        command.Parameters.AddWithValue(expected);
        if (command.ExecuteNonQuery() != 1)
        {
            throw new StaleWriteException(FormattableString.Invariant($"rollout {state.Id} no longer has {expected} decision(s): another replica decided since this one read it."));
        }
    }
}
