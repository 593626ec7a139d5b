using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Model;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// The runtime traffic split (RouterAdmin.SetTrafficSplit) and the effective shares of every ensemble. A split is
/// written to the <see cref="IExperimentStore"/> before it takes effect, and laid over the routing file at start and
/// after every reload as long as the file still has exactly the same arms with the same weights as when it was set;
/// otherwise the file wins, the split is deleted and the reason logged. Writers (admin calls, reloads) serialise on a
/// lock and publish a new <see cref="SplitTable"/>; requests only read <see cref="Table"/>.
/// </summary>
public sealed partial class TrafficSplitState
{
    public const string AdminSource = "admin";

    private readonly RoutingConfigProvider _provider;
    private readonly IExperimentStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<TrafficSplitState> _logger;
    private readonly Lock _writeGate = new();
    private SplitTable _table;

    public TrafficSplitState(RoutingConfigProvider provider, IExperimentStore store, TimeProvider time, ILogger<TrafficSplitState> logger)
    {
        _provider = provider;
        _store = store;
        _time = time;
        _logger = logger;
        lock (_writeGate)
        {
            // Subscribed inside the lock: a reload from now on waits for the stored splits to be checked first.
            provider.Changed += OnConfigChanged;
            _table = Reconcile(provider.Current, store.LoadSplits(), 0);
        }
    }

    /// <summary>The shares requests assign by (one volatile read).</summary>
    public SplitTable Table => Volatile.Read(ref _table);

    /// <summary>The active config with the runtime splits in effect (see <see cref="EffectiveConfig"/>).</summary>
    public RouterModel View() => EffectiveConfig.Of(_provider.Current, Table);

    /// <summary>
    /// Replaces the weights of an ensemble's arms (every arm named, weights ≥ 0, total &gt; 0). Stored first: a split
    /// that cannot be kept is not applied, since the next restart would silently undo it.
    /// </summary>
    public SplitChangeResult TrySet(string ensembleName, IReadOnlyDictionary<string, int> weights)
    {
        SplitTable updated;
        lock (_writeGate)
        {
            var fromFile = _provider.Current;
            var table = CatchUp(fromFile);
            if (!fromFile.Ensembles.TryGetValue(ensembleName, out var ensemble))
            {
                return SplitChangeResult.Failed(SplitChangeError.UnknownEnsemble, $"ensemble '{ensembleName}' does not exist; known: {string.Join(", ", fromFile.Ensembles.Keys)}.");
            }

            if (SplitRules.Validate(ensemble, weights) is { Count: > 0 } errors)
            {
                return SplitChangeResult.Failed(SplitChangeError.InvalidWeights, string.Join(" ", errors));
            }

            var stored = new StoredSplit(
                ensembleName,
                new Dictionary<string, int>(weights, StringComparer.Ordinal),
                SplitRules.FileWeights(ensemble),
                _provider.CurrentSha256,
                fromFile.Version,
                _time.GetUtcNow(),
                AdminSource);
            try
            {
                _store.SaveSplit(stored);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.SplitNotStored(_logger, ex, ensembleName, SplitRules.Describe(weights));
                return SplitChangeResult.Failed(SplitChangeError.NotStored, $"the split of '{ensembleName}' could not be stored, so it was not applied; the router log says why.");
            }

            var splits = table.Splits.Values.Where(s => s.Stored.Ensemble != ensembleName).Append(ActiveSplit.On(ensemble, stored));
            updated = SplitTable.Build(fromFile, splits, table.SplitChanges + 1);
            Volatile.Write(ref _table, updated);
        }

        var view = EffectiveConfig.Of(updated.Snapshot, updated);
        Log.SplitChanged(_logger, ensembleName, view.Version, SplitRules.Describe(weights));
        return new SplitChangeResult(SplitChangeError.None, "", view.Version, EffectiveConfig.Weights(updated.Snapshot.Ensembles[ensembleName], updated));
    }

    /// <summary>
    /// Among replicas sharing a store: takes the stored splits as they are now (another replica's admin call, a bandit
    /// move), each that fits this replica's routing file. A split that does not fit is left in the store, not deleted:
    /// during a rolling update another replica may run a newer file that it fits. Returns whether anything changed.
    /// </summary>
    public bool Refresh()
    {
        lock (_writeGate)
        {
            var table = _table;
            var stored = _store.LoadSplits();
            var fitting = stored.Where(s => SplitRules.Conflict(table.Snapshot.Ensembles.GetValueOrDefault(s.Ensemble), s) is null).ToList();
            if (Fingerprint(fitting) == Fingerprint(table.Splits.Values.Select(a => a.Stored)))
            {
                return false;
            }

            var kept = fitting.Select(s => ActiveSplit.On(table.Snapshot.Ensembles[s.Ensemble], s)).ToList();
            foreach (var split in fitting)
            {
                Log.StoredSplitApplied(_logger, split.Ensemble, split.SetBy, split.SetAt, SplitRules.Describe(split.Weights));
            }

            Volatile.Write(ref _table, SplitTable.Build(table.Snapshot, kept, table.SplitChanges + 1));
            return true;
        }
    }

    private static string Fingerprint(IEnumerable<StoredSplit> splits) => string.Join(
        '\n', splits.OrderBy(s => s.Ensemble, StringComparer.Ordinal).Select(s => $"{s.Ensemble} {s.SetBy} {s.SetAt.ToUnixTimeMilliseconds()} {SplitRules.Describe(s.Weights)}"));

    private void OnConfigChanged(RouterModel model)
    {
        lock (_writeGate)
        {
            // Always the provider's latest: change events of two quick reloads may arrive out of order.
            CatchUp(_provider.Current);
        }
    }

    private SplitTable CatchUp(RouterModel fromFile)
    {
        var table = _table;
        if (ReferenceEquals(table.Snapshot, fromFile))
        {
            return table;
        }

        table = Reconcile(fromFile, table.Splits.Values.Select(s => s.Stored), table.SplitChanges);
        Volatile.Write(ref _table, table);
        return table;
    }

    /// <summary>The table of <paramref name="fromFile"/> with every split that still fits it; the others are deleted.</summary>
    private SplitTable Reconcile(RouterModel fromFile, IEnumerable<StoredSplit> splits, long splitChanges)
    {
        var kept = new List<ActiveSplit>();
        foreach (var split in splits)
        {
            var ensemble = fromFile.Ensembles.GetValueOrDefault(split.Ensemble);
            if (SplitRules.Conflict(ensemble, split) is { } reason)
            {
                Discard(split, reason);
                continue;
            }

            kept.Add(ActiveSplit.On(ensemble!, split));
            Log.StoredSplitApplied(_logger, split.Ensemble, split.SetBy, split.SetAt, SplitRules.Describe(split.Weights));
        }

        return SplitTable.Build(fromFile, kept, splitChanges);
    }

    private void Discard(StoredSplit split, string reason)
    {
        Log.StoredSplitDiscarded(_logger, split.Ensemble, split.SetBy, split.SetAt, SplitRules.Describe(split.Weights), reason);
        try
        {
            _store.DeleteSplit(split.Ensemble);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The file wins in memory either way; a split left in the store is checked (and discarded) again at start.
            Log.SplitNotDeleted(_logger, ex, split.Ensemble);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 103, EventName = "TrafficSplitChanged", Level = LogLevel.Information, Message = "Traffic split of '{Ensemble}' changed by admin (version {Version}): {Weights}.")]
        public static partial void SplitChanged(ILogger logger, string ensemble, long version, string weights);

        [LoggerMessage(EventId = 104, EventName = "StoredSplitApplied", Level = LogLevel.Information, Message = "Stored traffic split of '{Ensemble}' (set by {SetBy} at {SetAt:O}) applied on top of the routing file: {Weights}.")]
        public static partial void StoredSplitApplied(ILogger logger, string ensemble, string setBy, DateTimeOffset setAt, string weights);

        [LoggerMessage(EventId = 105, EventName = "StoredSplitDiscarded", Level = LogLevel.Warning, Message = "Stored traffic split of '{Ensemble}' (set by {SetBy} at {SetAt:O}: {Weights}) was discarded: {Reason}. The routing file's weights apply.")]
        public static partial void StoredSplitDiscarded(ILogger logger, string ensemble, string setBy, DateTimeOffset setAt, string weights, string reason);

        [LoggerMessage(EventId = 106, EventName = "TrafficSplitNotStored", Level = LogLevel.Error, Message = "Traffic split of '{Ensemble}' ({Weights}) could not be stored in the experiment store and was NOT applied.")]
        public static partial void SplitNotStored(ILogger logger, Exception exception, string ensemble, string weights);

        [LoggerMessage(EventId = 107, EventName = "StoredSplitNotDeleted", Level = LogLevel.Error, Message = "The discarded traffic split of '{Ensemble}' could not be deleted from the experiment store; it will be checked against the routing file again at the next start.")]
        public static partial void SplitNotDeleted(ILogger logger, Exception exception, string ensemble);
    }
}
