using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Owns the active <see cref="RouterModel"/>. Readers take <see cref="Current"/> (one volatile read, no locks); a
/// reload or a split change builds a complete new snapshot and swaps the reference, so nobody sees a half-applied
/// change. A bad reload is logged with every problem and the last good snapshot keeps serving.
/// </summary>
public sealed partial class RoutingConfigProvider
{
    public const string AdminSource = "admin";

    private readonly string _path;
    private readonly RouterModelBuilder _builder;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RoutingConfigProvider> _logger;
    private readonly Lock _writeGate = new();
    private RouterModel _current;
    private string _loadedText;

    /// <summary>Loads <paramref name="path"/>; throws <see cref="RoutingConfigException"/> listing every problem.</summary>
    public RoutingConfigProvider(string path, RouterModelBuilder builder, TimeProvider timeProvider, ILogger<RoutingConfigProvider> logger)
    {
        _path = Path.GetFullPath(path);
        _builder = builder;
        _timeProvider = timeProvider;
        _logger = logger;
        (var model, _loadedText, var errors) = Load(version: 1);
        _current = model ?? throw new RoutingConfigException(_path, errors);
        Log.Loaded(_logger, _path, 1, model.Ensembles.Count);
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
            updated = model;
            Volatile.Write(ref _current, updated);
        }

        Log.Reloaded(_logger, _path, updated.Version);
        Changed?.Invoke(updated);
        return true;
    }

    /// <summary>
    /// Replaces the weights of an ensemble's arms (every arm named, weights ≥ 0, total > 0). Returns the problems;
    /// empty when the new snapshot is active. The file stays the source of truth: its next change replaces this.
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

            if (errors.Count > 0)
            {
                return errors;
            }

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
            updated = current with
            {
                Config = config,
                Ensembles = ensembles,
                Version = current.Version + 1,
                Source = AdminSource,
                LoadedAt = _timeProvider.GetUtcNow(),
            };
            Volatile.Write(ref _current, updated);
        }

        Log.SplitChanged(_logger, ensembleName, updated.Version, string.Join(", ", weights.Select(w => $"{w.Key}={w.Value}")));
        Changed?.Invoke(updated);
        return [];
    }

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
    }
}
