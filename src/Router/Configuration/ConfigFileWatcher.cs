using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Reloads the routing file when it changes on disk. One save or copy raises several events (truncate, write in parts,
/// rename) and a reader may see the file half-written, so events are debounced: the file is read only once no event
/// has come for <see cref="DefaultDebounce"/>. A file that still cannot be read or parsed as JSON then is given one
/// more debounce interval before <see cref="RoutingConfigProvider.TryReload()"/> reports it; a complete file that is
/// invalid is reported at once. <see cref="RoutingConfigProvider.TryReload()"/> never throws, so no event can take the
/// process down.
/// <para>
/// Kubernetes mounts a ConfigMap as symlinks through a <c>..data</c> link that it swaps (a new timestamped folder, then
/// a rename of <c>..data_tmp</c> over <c>..data</c>); the routing file itself never changes, so the whole folder is
/// watched and a change of <c>..data</c> counts as a change of the file.
/// </para>
/// </summary>
public sealed partial class ConfigFileWatcher : IHostedService, IDisposable
{
    /// <summary>Quiet time after the last event before the file is read. Default 200 ms.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(200);

    /// <summary>The link Kubernetes swaps when a ConfigMap or Secret volume is updated.</summary>
    internal const string KubernetesDataLink = "..data";

    private readonly RoutingConfigProvider _provider;
    private readonly ILogger<ConfigFileWatcher> _logger;
    private readonly TimeSpan _debounce;
    private readonly string _fileName;
    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private readonly ITimer _timer;
    private long _generation;
    private bool _retrying;
    private bool _stopped;

    public ConfigFileWatcher(RoutingConfigProvider provider, TimeProvider timeProvider, ILogger<ConfigFileWatcher> logger, TimeSpan? debounce = null)
    {
        _provider = provider;
        _logger = logger;
        _debounce = debounce ?? DefaultDebounce;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_debounce, TimeSpan.Zero, nameof(debounce));
        _fileName = Path.GetFileName(provider.FilePath);
        _timer = timeProvider.CreateTimer(static state => ((ConfigFileWatcher)state!).OnQuiet(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Every name in the folder, not only the file's: see the class comment on Kubernetes' ..data link.
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_provider.FilePath)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += OnEvent;
        // Events were lost (the watcher's buffer overflowed): read the file once more rather than miss the last save.
        _watcher.Error += (_, _) => NotifyChanged();
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }

        lock (_gate)
        {
            _stopped = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        lock (_gate)
        {
            _stopped = true;
            _timer.Dispose();
        }
    }

    /// <summary>Whether an event about <paramref name="name"/> (a name in the file's folder) may have changed the file.</summary>
    internal bool Concerns(string? name) =>
        string.Equals(name, _fileName, StringComparison.Ordinal) || string.Equals(name, KubernetesDataLink, StringComparison.Ordinal);

    /// <summary>
    /// The file may have changed: (re)start the quiet period; a retry pending for an older version is dropped. The file
    /// system events call this; tests call it directly to drive the watcher with a fake clock.
    /// </summary>
    internal void NotifyChanged()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _generation++;
            _retrying = false;
            _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        if (Concerns(e.Name) || (e is RenamedEventArgs renamed && Concerns(renamed.OldName)))
        {
            NotifyChanged();
        }
    }

    /// <summary>No event for one debounce interval: reload, unless the file looks half-written for the first time.</summary>
    private void OnQuiet()
    {
        long generation;
        bool retrying;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            generation = _generation;
            retrying = _retrying;
        }

        if (!retrying && !LooksComplete(out string? problem))
        {
            lock (_gate)
            {
                // An event that came meanwhile has restarted the quiet period; its check replaces this retry.
                if (_stopped || generation != _generation)
                {
                    return;
                }

                _retrying = true;
                _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
            }

            Log.NotSettled(_logger, _provider.FilePath, _debounce.TotalMilliseconds, problem);
            return;
        }

        lock (_gate)
        {
            _retrying = false;
        }

        // Problems (a file still unreadable or invalid after the retry) are logged by the provider.
        _provider.TryReload();
    }

    /// <summary>Whether the file can be read and parsed as a routing file's JSON (not whether it is valid).</summary>
    private bool LooksComplete(out string? problem)
    {
        try
        {
            string text = File.ReadAllText(_provider.FilePath);
            return RoutingConfigJson.TryParse(text, out problem) is not null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 130, EventName = "ConfigNotSettled", Level = LogLevel.Debug, Message = "Routing configuration '{Path}' changed but cannot be parsed yet (a copy in progress?); reading it again in {DelayMs} ms: {Problem}")]
        public static partial void NotSettled(ILogger logger, string path, double delayMs, string? problem);
    }
}
