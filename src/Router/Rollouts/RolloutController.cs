using System.Security.Cryptography;
using System.Text;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Rollouts.Persistence;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Router.Rollouts.Replicas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// Runs the canary rollouts: at each <see cref="Tick"/> it adds what the arm counters saw since the last tick to each
/// active rollout, asks <see cref="RolloutEvaluator"/> for a decision, stores the decision with its evidence and the
/// new state in one transaction, and only then sets the traffic split (baseline 100 − p, candidate p, other arms 0)
/// through <see cref="TrafficSplitState"/>. Operators' commands take the same path. While a rollout is active it owns
/// its ensemble's split: each tick puts the step's split back if something else changed it. Thread-safe (one lock;
/// ticks and commands are rare).
/// </summary>
public sealed partial class RolloutController
{
    private readonly RoutingConfigProvider _config;
    private readonly TrafficSplitState _splits;
    private readonly CounterReader _reader;
    private readonly IRolloutStore _store;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger<RolloutController> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tracked> _latest = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownIds = new(StringComparer.Ordinal);
    private readonly Writer _local;

    /// <param name="options">The lease's length when <paramref name="store"/> is shared by replicas (<see cref="IReplicaStore"/>).</param>
    public RolloutController(
        RoutingConfigProvider config,
        TrafficSplitState splits,
        CounterReader reader,
        IRolloutStore store,
        TimeProvider time,
        Random random,
        ILogger<RolloutController> logger,
        IOptions<RolloutOptions>? options = null)
    {
        (_config, _splits, _reader, _store, _time, _random, _logger) = (config, splits, reader, store, time, random, logger);
        _local = new Writer(store.SaveState, store.SaveDecision);
        _replicas = store as IReplicaStore;
        _leaseTtl = TimeSpan.FromMilliseconds((options?.Value ?? new RolloutOptions()).LeaseMs);
        lock (_gate)
        {
            foreach (var state in store.LoadRollouts())
            {
                _knownIds.Add(state.Id);
                _latest[state.Ensemble] = new Tracked(state, state.Active ? reader.Mark(state.Ensemble, state.Spec) : null);
                if (state.Active)
                {
                    Log.Resumed(_logger, state.Id, state.Ensemble, state.CandidatePercent, state.Decisions);
                    EnsureSplit(state);
                }
            }

            config.Changed += StartFromConfig;
            StartFromConfig(config.Current);
        }
    }

    /// <summary>One look at every active rollout; returns the decisions it took.</summary>
    public IReadOnlyList<RolloutDecision> Tick()
    {
        lock (_gate)
        {
            if (_replicas is { } replicas)
            {
                return SharedTick(replicas);
            }

            var taken = new List<RolloutDecision>();
            foreach (var tracked in _latest.Values.Where(t => t.State.Active))
            {
                if (Look(tracked) is { } decision)
                {
                    taken.Add(decision);
                }
            }

            return taken;
        }
    }

    public RolloutCommandResult Start(string ensemble, CanaryConfig canary, string by) => Start(ensemble, canary, by, null);

    public RolloutCommandResult Pause(string ensemble, string by) => Command(ensemble, DecisionKind.Paused, by);

    public RolloutCommandResult Resume(string ensemble, string by) => Command(ensemble, DecisionKind.Resumed, by);

    public RolloutCommandResult Abort(string ensemble, string by) => Command(ensemble, DecisionKind.Aborted, by);

    public RolloutCommandResult Promote(string ensemble, string by) => Command(ensemble, DecisionKind.Promoted, by);

    /// <summary>The latest rollout of <paramref name="ensemble"/> (active or finished); null when it never had one.</summary>
    public RolloutView? Get(string ensemble)
    {
        lock (_gate)
        {
            return _latest.TryGetValue(ensemble, out var tracked) ? View(tracked) : null;
        }
    }

    public IReadOnlyList<RolloutView> All()
    {
        lock (_gate)
        {
            return _latest.Values.Select(View).ToList();
        }
    }

    private RolloutDecision? Look(Tracked tracked)
    {
        var state = tracked.State;
        var (observation, mark) = tracked.Mark is { } previous
            ? _reader.Since(state.Ensemble, state.Spec, previous)
            : (RolloutObservation.None, _reader.Mark(state.Ensemble, state.Spec));
        // Only a stored checkpoint or decision moves the mark: otherwise the next tick counts these requests again.
        return Judge(tracked, state.Observe(observation), _local, () => tracked.Mark = mark);
    }

    /// <summary>Evaluates <paramref name="observed"/> (the state with the new counts) and stores a decision or a checkpoint through <paramref name="writer"/>.</summary>
    private RolloutDecision? Judge(Tracked tracked, RolloutState observed, Writer writer, Action stored)
    {
        var state = tracked.State;
        var evaluation = RolloutEvaluator.Evaluate(observed, _time.GetUtcNow(), _random);
        observed = observed with { PValues = evaluation.PValues };
        tracked.Evidence = evaluation.Evidence;
        if (evaluation.Decision is { } kind && !(kind == DecisionKind.Held && evaluation.Reason == state.HoldReason))
        {
            var decision = Decide(tracked, observed, kind, evaluation.Reason, RolloutState.ControllerActor, evaluation.Evidence, writer);
            if (decision is not null)
            {
                stored();
            }

            return decision;
        }

        if (Save(() => writer.State(observed), state))
        {
            tracked.State = observed;
            stored();
        }

        EnsureSplit(tracked.State);
        return null;
    }

    private RolloutDecision? Decide(Tracked tracked, RolloutState state, DecisionKind kind, string reason, string by, RolloutEvidence? evidence, Writer? writer = null)
    {
        var now = _time.GetUtcNow();
        var next = RolloutTransitions.Apply(state, kind, reason, now);
        int from = kind == DecisionKind.Started ? 0 : state.CandidatePercent;
        var decision = new RolloutDecision(next.Decisions, now, kind, from, next.CandidatePercent, reason, by, evidence);
        if (!Save(() => (writer ?? _local).Decision(next, decision), state))
        {
            return null;
        }

        tracked.State = next;
        Log.Decided(_logger, next.Id, next.Ensemble, kind, decision.FromPercent, decision.ToPercent, by, reason);
        EnsureSplit(next, force: true);
        return decision;
    }

    private RolloutCommandResult Command(string ensemble, DecisionKind kind, string by)
    {
        lock (_gate)
        {
            RefreshIfShared();
            if (!_latest.TryGetValue(ensemble, out var tracked) || !RolloutTransitions.Allows(tracked.State.Status, kind))
            {
                string status = tracked is null ? "has no rollout" : $"has rollout '{tracked.State.Id}' in state {tracked.State.Status}";
                return RolloutCommandResult.Failed(RolloutCommandError.NotActive, $"cannot {Verb(kind)}: ensemble '{ensemble}' {status}.");
            }

            string reason = $"{Verb(kind)} by operator {by}";
            return Decide(tracked, tracked.State, kind, reason, by, tracked.Evidence) is null
                ? RolloutCommandResult.Failed(RolloutCommandError.NotStored, "the decision could not be stored, so nothing changed; the router log says why.")
                : new RolloutCommandResult(RolloutCommandError.None, "", View(tracked));
        }
    }

    private RolloutCommandResult Start(string ensemble, CanaryConfig canary, string by, string? id)
    {
        lock (_gate)
        {
            RefreshIfShared();
            if (!_config.Current.Ensembles.TryGetValue(ensemble, out var model))
            {
                return RolloutCommandResult.Failed(RolloutCommandError.UnknownEnsemble, $"ensemble '{ensemble}' does not exist; known: {string.Join(", ", _config.Current.Ensembles.Keys)}.");
            }

            var errors = new List<string>();
            CanaryConfigRules.Validate(errors, "canary", canary, model.Arms.Select(a => a.Name).ToArray());
            if (errors.Count > 0)
            {
                return RolloutCommandResult.Failed(RolloutCommandError.InvalidSpec, string.Join(" ", errors));
            }

            if (_latest.TryGetValue(ensemble, out var current) && current.State.Active)
            {
                return RolloutCommandResult.Failed(RolloutCommandError.AlreadyActive, $"ensemble '{ensemble}' already has rollout '{current.State.Id}' ({current.State.Status}); abort or promote it first.");
            }

            var now = _time.GetUtcNow();
            var state = new RolloutState
            {
                Id = id ?? NewId(ensemble, now),
                Ensemble = ensemble,
                Config = canary,
                Status = RolloutStatus.Running,
                StepIndex = 0,
                StartedAt = now,
                StepStartedAt = now,
                StartedBy = by,
                Decisions = 0,
            };
            var tracked = new Tracked(state, _reader.Mark(ensemble, state.Spec));
            var first = Decide(tracked, state, DecisionKind.Started, $"started by {by}: candidate '{canary.Candidate}' against '{canary.Baseline}', steps {string.Join(" → ", state.Spec.Steps)}%", by, null);
            if (first is null)
            {
                return RolloutCommandResult.Failed(RolloutCommandError.NotStored, "the rollout could not be stored, so it was not started; the router log says why.");
            }

            _latest[ensemble] = tracked;
            _knownIds.Add(state.Id);
            return new RolloutCommandResult(RolloutCommandError.None, "", View(tracked));
        }
    }

    /// <summary>Starts the routing file's canaries: each distinct setting once (its id is a hash of it), never over an active rollout.</summary>
    private void StartFromConfig(RouterModel model)
    {
        lock (_gate)
        {
            foreach (var ensemble in model.Config.Ensembles ?? [])
            {
                if (ensemble.Canary is not { } canary || ensemble.Name is not { } name)
                {
                    continue;
                }

                string id = $"{name}-cfg-{Fingerprint(canary)}";
                if (_knownIds.Contains(id) || (_latest.TryGetValue(name, out var current) && current.State.Active))
                {
                    continue;
                }

                var result = Start(name, canary, "routing-file", id);
                if (!result.Succeeded)
                {
                    Log.ConfigRolloutNotStarted(_logger, name, result.Message);
                }
            }
        }
    }

    /// <summary>Puts the rollout's split in place when the table differs (a restart, a reload, someone else's SetTrafficSplit).</summary>
    private void EnsureSplit(RolloutState state, bool force = false)
    {
        if (!state.Active && !force)
        {
            return;
        }

        if (!_config.Current.Ensembles.TryGetValue(state.Ensemble, out var ensemble))
        {
            return;
        }

        var spec = state.Spec;
        int p = state.CandidatePercent;
        var wanted = ensemble.Arms.ToDictionary(
            a => a.Name, a => a.Name == spec.Candidate ? p : a.Name == spec.Baseline ? 100 - p : 0, StringComparer.Ordinal);
        var now = EffectiveConfig.Weights(ensemble, _splits.Table);
        if (wanted.All(w => now.GetValueOrDefault(w.Key, -1) == w.Value))
        {
            return;
        }

        var result = _splits.TrySet(state.Ensemble, wanted);
        if (!result.Succeeded)
        {
            Log.SplitNotApplied(_logger, state.Id, state.Ensemble, p, result.Message);
        }
    }

    private bool Save(Action write, RolloutState state)
    {
        try
        {
            write();
            return true;
        }
        catch (StaleWriteException ex)
        {
            // Another replica decided, or this one lost the lease: expected now and then, and nothing was written.
            Log.StaleWrite(_logger, state.Id, state.Ensemble, ex.Message);
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.NotStored(_logger, ex, state.Id, state.Ensemble);
            return false;
        }
    }

    /// <summary>One read of the stored decisions serves both the log and, before this process has looked, the last evidence.</summary>
    private RolloutView View(Tracked tracked)
    {
        var decisions = _store.LoadDecisions(tracked.State.Id);
        return new(tracked.State, tracked.Evidence ?? decisions.LastOrDefault(d => d.Evidence is not null)?.Evidence, decisions);
    }

    /// <summary>The ensemble and the start time; a suffix when two start within one millisecond.</summary>
    private string NewId(string ensemble, DateTimeOffset now)
    {
        string id = FormattableString.Invariant($"{ensemble}-{now.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}");
        string candidate = id;
        for (int n = 2; _knownIds.Contains(candidate); n++)
        {
            candidate = FormattableString.Invariant($"{id}-{n}");
        }

        return candidate;
    }

    private static string Verb(DecisionKind kind) => kind switch
    {
        DecisionKind.Paused => "pause",
        DecisionKind.Resumed => "resume",
        DecisionKind.Aborted => "abort",
        _ => "promote",
    };

    private static string Fingerprint(CanaryConfig canary) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RolloutJson.Serialize(canary))))[..12];

    /// <summary>Where a checkpoint and a decision go: the store as it is, or (a shared store's decider) fenced by the lease.</summary>
    private sealed record Writer(Action<RolloutState> State, Action<RolloutState, RolloutDecision> Decision);

    private sealed class Tracked(RolloutState state, CounterMark? mark)
    {
        public RolloutState State { get; set; } = state;

        public CounterMark? Mark { get; set; } = mark;

        public RolloutEvidence? Evidence { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, EventName = "RolloutDecision", Level = LogLevel.Information, Message = "Rollout {Id} of '{Ensemble}': {Kind}, candidate {From}% → {To}% (by {By}): {Reason}")]
        public static partial void Decided(ILogger logger, string id, string ensemble, DecisionKind kind, int from, int to, string by, string reason);

        [LoggerMessage(EventId = 901, EventName = "RolloutResumed", Level = LogLevel.Information, Message = "Rollout {Id} of '{Ensemble}' resumed from the store at {Percent}% after {Decisions} decision(s).")]
        public static partial void Resumed(ILogger logger, string id, string ensemble, int percent, long decisions);

        [LoggerMessage(EventId = 902, EventName = "RolloutNotStored", Level = LogLevel.Error, Message = "Rollout {Id} of '{Ensemble}' could not be stored; its state did not change and the next tick tries again.")]
        public static partial void NotStored(ILogger logger, Exception exception, string id, string ensemble);

        [LoggerMessage(EventId = 903, EventName = "RolloutSplitNotApplied", Level = LogLevel.Error, Message = "Rollout {Id} of '{Ensemble}' could not set the candidate's share to {Percent}%: {Message}")]
        public static partial void SplitNotApplied(ILogger logger, string id, string ensemble, int percent, string message);

        [LoggerMessage(EventId = 911, EventName = "RolloutWriteStale", Level = LogLevel.Warning, Message = "Rollout {Id} of '{Ensemble}' was not written: {Reason} The next tick reloads it.")]
        public static partial void StaleWrite(ILogger logger, string id, string ensemble, string reason);

        [LoggerMessage(EventId = 912, EventName = "RolloutLeaseTaken", Level = LogLevel.Information, Message = "This replica ({Replica}) is the rollout decider now (lease epoch {Epoch}).")]
        public static partial void LeaseTaken(ILogger logger, string replica, long epoch);

        [LoggerMessage(EventId = 913, EventName = "RolloutLeaseLost", Level = LogLevel.Warning, Message = "This replica ({Replica}) is no longer the rollout decider (lease epoch {Epoch}).")]
        public static partial void LeaseLost(ILogger logger, string replica, long epoch);

        [LoggerMessage(EventId = 914, EventName = "RolloutFollowed", Level = LogLevel.Information, Message = "Rollout {Id} of '{Ensemble}' applied from the shared store: {Status}, candidate {Percent}% after {Decisions} decision(s).")]
        public static partial void Followed(ILogger logger, string id, string ensemble, RolloutStatus status, int percent, long decisions);

        [LoggerMessage(EventId = 915, EventName = "RolloutStoreUnreachable", Level = LogLevel.Error, Message = "The shared rollout store could not be read or written ({Step}); this replica tries again at its next tick.")]
        public static partial void SharedStoreFailed(ILogger logger, Exception exception, string step);

        [LoggerMessage(EventId = 904, EventName = "ConfigRolloutNotStarted", Level = LogLevel.Warning, Message = "The routing file's canary of '{Ensemble}' was not started: {Message}")]
        public static partial void ConfigRolloutNotStarted(ILogger logger, string ensemble, string message);
    }
}
