using System.Security.Cryptography;
using System.Text;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Model;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Owns the active <see cref="RouterModel"/>. Readers take <see cref="Current"/> (one volatile read, no locks); a
/// reload or a split change builds a complete new snapshot and swaps the reference, so nobody sees a half-applied
/// change. A bad reload is logged with every problem and the last good snapshot keeps serving.
/// <para>
/// A runtime split is written to the <see cref="IExperimentStore"/> and applied again on top of the file at start and
/// after every reload, as long as the file still has exactly the same arms with the same weights as when the split was
/// set; otherwise the file wins, the stored split is deleted and the reason logged.
/// </para>
/// </summary>
public sealed partial class RoutingConfigProvider
{
    public const string AdminSource = "admin";

    private readonly string _path;
    private readonly RouterModelBuilder _builder;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RoutingConfigProvider> _logger;
    private readonly IExperimentStore _store;
    private readonly Lock _writeGate = new();
    private RouterModel _current;
    private RouterModel _fromFile;
    private string _loadedText;

    /// <summary>Loads <paramref name="path"/>; throws <see cref="RoutingConfigException"/> listing every problem.</summary>
    public RoutingConfigProvider(
        string path,
        RouterModelBuilder builder,
        TimeProvider timeProvider,
        ILogger<RoutingConfigProvider> logger,
        IExperimentStore? store = null)
    {
        _path = Path.GetFullPath(path);
        _builder = builder;
        _timeProvider = timeProvider;
        _logger = logger;
        _store = store ?? NullExperimentStore.Instance;
        (var model, _loadedText, var errors) = Load(version: 1);
        _fromFile = model ?? throw new RoutingConfigException(_path, errors);
        Log.Loaded(_logger, _path, 1, model.Ensembles.Count);
        _current = ApplyStoredSplits(model);
    }

    public RouterModel Current => Volatile.Read(ref _current);

    public string FilePath => _path;

    /// <summary>Raised after every swap (reload or split change), with the new snapshot.</summary>
    public event Action<RouterModel>? Changed;

    /// <summary>
    /// Reloads the file. Returns true when a new snapshot is active; false when the file is unchanged or bad (then
    /// the problems are logged and the previous snapshot stays).
    /// </summary>
    public bool TryReload() => TryReload(out _);

    public bool TryReload(out IReadOnlyList<string> errors)
    {
        RouterModel updated;
        lock (_writeGate)
        {
            var current = Current;
            string text;
            try
            {
                text = File.ReadAllText(_path);
            }
            catch (IOException ex)
            {
                errors = [$"cannot read the file: {ex.Message}"];
                Log.ReloadRejected(_logger, _path, 1, string.Join(" | ", errors));
                return false;
            }

            if (string.Equals(text, _loadedText, StringComparison.Ordinal))
            {
                // File watchers fire several events per save; an identical file is not a new version.
                errors = [];
                return false;
            }

            (var model, _, errors) = Build(text, current.Version + 1);
            if (model is null)
            {
                Log.ReloadRejected(_logger, _path, errors.Count, string.Join(" | ", errors));
                return false;
            }

            _loadedText = text;
            _fromFile = model;
            updated = ApplyStoredSplits(model);
            Volatile.Write(ref _current, updated);
        }

        Log.Reloaded(_logger, _path, updated.Version);
        Changed?.Invoke(updated);
        return true;
    }

    /// <summary>
    /// Replaces the weights of an ensemble's arms (every arm named, weights ≥ 0, total > 0). Returns the problems;
    /// empty when the new snapshot is active. The split is stored first (see <see cref="IExperimentStore"/>), so it
    /// survives a restart and a reload that leaves the ensemble's arms and weights in the file as they were; a file
    /// change to those replaces it.
    /// </summary>
    public IReadOnlyList<string> TrySetTrafficSplit(string ensembleName, IReadOnlyDictionary<string, int> weights)
    {
        RouterModel updated;
        lock (_writeGate)
        {
            var current = Current;
            if (!current.Ensembles.TryGetValue(ensembleName, out var ensemble))
            {
                return [$"ensemble '{ensembleName}' does not exist; known: {string.Join(", ", current.Ensembles.Keys)}."];
            }

            var errors = ValidateSplit(ensemble, weights);
            if (errors.Count > 0)
            {
                return errors;
            }

            // Stored first: a split that cannot be persisted is not applied (it would be lost on the next restart).
            var fileWeights = _fromFile.Ensembles.TryGetValue(ensembleName, out var fromFile) ? Weights(fromFile) : new Dictionary<string, int>();
            _store.SaveSplit(new StoredSplit(
                ensembleName,
                new Dictionary<string, int>(weights, StringComparer.Ordinal),
                fileWeights,
                Sha256(_loadedText),
                _fromFile.Version,
                _timeProvider.GetUtcNow(),
                AdminSource));
            updated = WithSplit(current, ensembleName, weights, current.Version + 1);
            Volatile.Write(ref _current, updated);
        }

        Log.SplitChanged(_logger, ensembleName, updated.Version, string.Join(", ", weights.Select(w => $"{w.Key}={w.Value}")));
        Changed?.Invoke(updated);
        return [];
    }

    private static List<string> ValidateSplit(EnsembleModel ensemble, IReadOnlyDictionary<string, int> weights)
    {
        string ensembleName = ensemble.Name;
        var errors = new List<string>();
        foreach (var name in weights.Keys.Where(n => ensemble.FindArm(n) is null))
        {
            errors.Add($"arm '{name}' does not exist in '{ensembleName}'; arms: {string.Join(", ", ensemble.Arms.Select(a => a.Name))}.");
        }

        foreach (var arm in ensemble.Arms.Where(a => !weights.ContainsKey(a.Name)))
        {
            errors.Add($"arm '{arm.Name}' has no weight; name every arm (0 takes it out of the split).");
        }

        foreach (var (name, weight) in weights.Where(w => w.Value < 0))
        {
            errors.Add($"arm '{name}': weight must be 0 or more; got {weight}.");
        }

        if (weights.Values.Where(w => w > 0).Sum(w => (long)w) is var total && (total <= 0 || total > int.MaxValue))
        {
            errors.Add("the weights must sum to more than 0 (and fit in 32 bits).");
        }

        return errors;
    }

    private RouterModel WithSplit(RouterModel current, string ensembleName, IReadOnlyDictionary<string, int> weights, long version)
    {
        var ensemble = current.Ensembles[ensembleName];
        var arms = ensemble.Arms.Select(a => a with { Weight = weights[a.Name] }).ToArray();
        var shadow = ensemble.Shadow is null ? null : ensemble.Shadow with { Arm = arms.First(a => a.Name == ensemble.Shadow.Arm.Name) };
        var ensembles = new Dictionary<string, EnsembleModel>(current.Ensembles, StringComparer.Ordinal)
        {
            [ensembleName] = ensemble with { Arms = arms, Shadow = shadow },
        };
        var config = current.Config with
        {
            Ensembles = current.Config.Ensembles!
                .Select(e => e.Name != ensembleName ? e : e with { Arms = e.Arms!.Select(a => a with { Weight = weights[a.Name!] }).ToArray() })
                .ToArray(),
        };
        return current with
        {
            Config = config,
            Ensembles = ensembles,
            Version = version,
            Source = AdminSource,
            LoadedAt = _timeProvider.GetUtcNow(),
        };
    }

    /// <summary>
    /// The snapshot built from the file with every stored split that still fits applied on top (same version: it is
    /// one swap). A split fits when the file's ensemble has exactly the stored arms with the weights the file had when
    /// the split was set; otherwise the file wins and the split is deleted.
    /// </summary>
    private RouterModel ApplyStoredSplits(RouterModel fromFile)
    {
        var model = fromFile;
        foreach (var split in _store.LoadSplits())
        {
            if (!fromFile.Ensembles.TryGetValue(split.Ensemble, out var ensemble))
            {
                Discard(split, "the routing file no longer has this ensemble");
                continue;
            }

            var fileWeights = Weights(ensemble);
            if (!fileWeights.Keys.ToHashSet(StringComparer.Ordinal).SetEquals(split.Weights.Keys))
            {
                Discard(split, $"its arms ({string.Join(", ", split.Weights.Keys.Order(StringComparer.Ordinal))}) are not the file's arms ({string.Join(", ", fileWeights.Keys.Order(StringComparer.Ordinal))})");
                continue;
            }

            if (fileWeights.Any(w => split.FileWeights.GetValueOrDefault(w.Key, -1) != w.Value))
            {
                Discard(split, "the routing file changed this ensemble's weights since the split was set (the file wins)");
                continue;
            }

            if (ValidateSplit(ensemble, split.Weights) is { Count: > 0 } errors)
            {
                Discard(split, string.Join(" ", errors));
                continue;
            }

            model = WithSplit(model, split.Ensemble, split.Weights, fromFile.Version);
            Log.StoredSplitApplied(_logger, split.Ensemble, split.SetBy, split.SetAt, Describe(split.Weights));
        }

        return model;
    }

    private void Discard(StoredSplit split, string reason)
    {
        _store.DeleteSplit(split.Ensemble);
        Log.StoredSplitDiscarded(_logger, split.Ensemble, split.SetBy, split.SetAt, Describe(split.Weights), reason);
    }

    private static Dictionary<string, int> Weights(EnsembleModel ensemble) =>
        ensemble.Arms.ToDictionary(a => a.Name, a => a.Weight, StringComparer.Ordinal);

    private static string Describe(IReadOnlyDictionary<string, int> weights) =>
        string.Join(", ", weights.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}={w.Value}"));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private (RouterModel? Model, string Text, IReadOnlyList<string> Errors) Load(long version)
    {
        string text;
        try
        {
            text = File.ReadAllText(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, "", [$"cannot read the file: {ex.Message}"]);
        }

        return Build(text, version);
    }

    private (RouterModel? Model, string Text, IReadOnlyList<string> Errors) Build(string text, long version)
    {
        var config = RoutingConfigJson.TryParse(text, out string? parseError);
        if (config is null)
        {
            return (null, text, [parseError!]);
        }

        string directory = Path.GetDirectoryName(_path)!;
        var model = _builder.Build(config, directory, _path, version, _timeProvider.GetUtcNow(), out var errors);
        return (model, text, errors);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "ConfigLoaded", Level = LogLevel.Information, Message = "Routing configuration '{Path}' loaded (version {Version}, {Ensembles} ensemble(s)).")]
        public static partial void Loaded(ILogger logger, string path, long version, int ensembles);

        [LoggerMessage(EventId = 101, EventName = "ConfigReloaded", Level = LogLevel.Information, Message = "Routing configuration '{Path}' reloaded; version {Version} is active.")]
        public static partial void Reloaded(ILogger logger, string path, long version);

        [LoggerMessage(EventId = 102, EventName = "ConfigReloadRejected", Level = LogLevel.Error, Message = "Routing configuration '{Path}' was NOT reloaded; the last good version keeps serving. {Count} problem(s): {Problems}")]
        public static partial void ReloadRejected(ILogger logger, string path, int count, string problems);

        [LoggerMessage(EventId = 103, EventName = "TrafficSplitChanged", Level = LogLevel.Information, Message = "Traffic split of '{Ensemble}' changed by admin (version {Version}): {Weights}.")]
        public static partial void SplitChanged(ILogger logger, string ensemble, long version, string weights);

        [LoggerMessage(EventId = 104, EventName = "StoredSplitApplied", Level = LogLevel.Information, Message = "Stored traffic split of '{Ensemble}' (set by {SetBy} at {SetAt:O}) applied on top of the routing file: {Weights}.")]
        public static partial void StoredSplitApplied(ILogger logger, string ensemble, string setBy, DateTimeOffset setAt, string weights);

        [LoggerMessage(EventId = 105, EventName = "StoredSplitDiscarded", Level = LogLevel.Warning, Message = "Stored traffic split of '{Ensemble}' (set by {SetBy} at {SetAt:O}: {Weights}) was discarded: {Reason}. The routing file's weights apply.")]
        public static partial void StoredSplitDiscarded(ILogger logger, string ensemble, string setBy, DateTimeOffset setAt, string weights, string reason);
    }
}
