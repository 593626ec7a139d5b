using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Owns the active <see cref="RouterModel"/>: loads the routing file, validates it, and swaps the snapshot. Readers
/// take <see cref="Current"/> (one volatile read, no locks); a reload builds a complete new snapshot and swaps the
/// reference, so nobody sees a half-applied change. A reload that fails for any reason (unreadable file, invalid
/// content, a part that throws while the snapshot is built) is logged with the reason and the last good snapshot keeps
/// serving. What the router changes at runtime (the traffic split) lives with the traffic assignment, not here.
/// </summary>
public sealed partial class RoutingConfigProvider
{
    private readonly string _path;
    private readonly RouterModelBuilder _builder;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RoutingConfigProvider> _logger;
    private readonly Lock _writeGate = new();
    private Loaded _loaded;

    /// <summary>Loads <paramref name="path"/>; throws <see cref="RoutingConfigException"/> listing every problem.</summary>
    public RoutingConfigProvider(string path, RouterModelBuilder builder, TimeProvider timeProvider, ILogger<RoutingConfigProvider> logger)
    {
        _path = Path.GetFullPath(path);
        _builder = builder;
        _timeProvider = timeProvider;
        _logger = logger;
        if (!TryRead(out string? text, out var errors) || Build(text, version: 1, out errors) is not { } model)
        {
            throw new RoutingConfigException(_path, errors);
        }

        _loaded = new Loaded(model, text, Sha256(text));
        Log.Loaded(_logger, _path, 1, model.Ensembles.Count);
    }

    public RouterModel Current => Volatile.Read(ref _loaded).Model;

    /// <summary>SHA-256 (lower-case hex) of the file text the current snapshot was built from.</summary>
    public string CurrentSha256 => Volatile.Read(ref _loaded).Sha256;

    public string FilePath => _path;

    /// <summary>
    /// Raised after every swap, with the new snapshot, outside the lock. A handler that throws is logged; it neither
    /// undoes the swap nor keeps the other handlers from running.
    /// </summary>
    public event Action<RouterModel>? Changed;

    /// <summary>
    /// Reloads the file. Returns true when a new snapshot is active; false when the file is unchanged or bad (then
    /// the problems are logged and the previous snapshot stays). Never throws (but for running out of memory).
    /// </summary>
    public bool TryReload() => TryReload(out _);

    public bool TryReload(out IReadOnlyList<string> errors)
    {
        RouterModel updated;
        lock (_writeGate)
        {
            var loaded = _loaded;
            if (!TryRead(out string? text, out errors))
            {
                Log.ReloadRejected(_logger, _path, errors.Count, string.Join(" | ", errors));
                return false;
            }

            if (string.Equals(text, loaded.Text, StringComparison.Ordinal))
            {
                // File watchers fire several events per save; an identical file is not a new version.
                errors = [];
                return false;
            }

            if (Build(text, loaded.Model.Version + 1, out errors) is not { } model)
            {
                Log.ReloadRejected(_logger, _path, errors.Count, string.Join(" | ", errors));
                return false;
            }

            updated = model;
            Volatile.Write(ref _loaded, new Loaded(model, text, Sha256(text)));
        }

        Log.Reloaded(_logger, _path, updated.Version);
        RaiseChanged(updated);
        return true;
    }

    private bool TryRead([NotNullWhen(true)] out string? text, out IReadOnlyList<string> errors)
    {
        try
        {
            text = File.ReadAllText(_path);
            errors = [];
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            text = null;
            errors = [$"cannot read the file: {ex.Message}"];
            return false;
        }
    }

    private RouterModel? Build(string text, long version, out IReadOnlyList<string> errors)
    {
        try
        {
            var config = RoutingConfigJson.TryParse(text, out string? parseError);
            if (config is null)
            {
                errors = [parseError!];
                return null;
            }

            string directory = Path.GetDirectoryName(_path)!;
            return _builder.Build(config, directory, _path, version, _timeProvider.GetUtcNow(), out errors);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug or an unforeseen file in the model repository must not take the router down nor the config with it.
            Log.BuildFailed(_logger, ex, _path);
            errors = [$"building the configuration failed: {ex.GetType().Name}: {ex.Message}"];
            return null;
        }
    }

    private void RaiseChanged(RouterModel updated)
    {
        if (Changed is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<RouterModel>>())
        {
            try
            {
                handler(updated);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.ChangeHandlerFailed(_logger, ex, updated.Version, handler.Method.DeclaringType?.Name ?? "?");
            }
        }
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The active snapshot with the text it came from, swapped together.</summary>
    private sealed record Loaded(RouterModel Model, string Text, string Sha256);

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "ConfigLoaded", Level = LogLevel.Information, Message = "Routing configuration '{Path}' loaded (version {Version}, {Ensembles} ensemble(s)).")]
        public static partial void Loaded(ILogger logger, string path, long version, int ensembles);

        [LoggerMessage(EventId = 101, EventName = "ConfigReloaded", Level = LogLevel.Information, Message = "Routing configuration '{Path}' reloaded; version {Version} is active.")]
        public static partial void Reloaded(ILogger logger, string path, long version);

        [LoggerMessage(EventId = 102, EventName = "ConfigReloadRejected", Level = LogLevel.Error, Message = "Routing configuration '{Path}' was NOT reloaded; the last good version keeps serving. {Count} problem(s): {Problems}")]
        public static partial void ReloadRejected(ILogger logger, string path, int count, string problems);

        [LoggerMessage(EventId = 108, EventName = "ConfigBuildFailed", Level = LogLevel.Error, Message = "Building the routing configuration from '{Path}' threw; the file is treated as invalid.")]
        public static partial void BuildFailed(ILogger logger, Exception exception, string path);

        [LoggerMessage(EventId = 109, EventName = "ConfigChangeHandlerFailed", Level = LogLevel.Error, Message = "A handler of the routing configuration change to version {Version} ({Handler}) threw; the new version stays active.")]
        public static partial void ChangeHandlerFailed(ILogger logger, Exception exception, long version, string handler);
    }
}
