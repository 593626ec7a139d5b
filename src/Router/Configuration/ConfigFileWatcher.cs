using Microsoft.Extensions.Hosting;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Reloads the routing file when it changes on disk. Editors save in several steps (truncate, write, rename), so a
/// half-written file may be seen: it fails validation, is logged and ignored, and the next event loads the result.
/// <see cref="RoutingConfigProvider.TryReload()"/> never throws, so no event can take the process down.
/// </summary>
public sealed class ConfigFileWatcher(RoutingConfigProvider provider) : IHostedService, IDisposable
{
    private FileSystemWatcher? _watcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        string directory = Path.GetDirectoryName(provider.FilePath)!;
        _watcher = new FileSystemWatcher(directory, Path.GetFileName(provider.FilePath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnChanged;
        _watcher.Created += OnChanged;
        _watcher.Renamed += OnChanged;
        // Events were lost (the watcher's buffer overflowed): read the file once more rather than miss the last save.
        _watcher.Error += (_, _) => provider.TryReload();
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _watcher?.Dispose();

    private void OnChanged(object sender, FileSystemEventArgs e) => provider.TryReload();
}
