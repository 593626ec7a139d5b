using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Configuration;

/// <summary>
/// The real file watcher against a folder laid out as the kubelet lays out a ConfigMap volume: the routing file is a
/// symlink to <c>..data/routing.json</c>, and an update writes a new timestamped folder and renames a new
/// <c>..data_tmp</c> link over <c>..data</c>. The file's own name sees no event; the reload must still happen.
/// </summary>
public sealed class ConfigMapSwapTests : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly CapturingLoggerProvider _logs = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_configmap_update_by_symlink_swap_is_reloaded_without_an_error()
    {
        _files.Write("repo/a/config.json", """{ "training": { "validation_error": 0.03 } }""");
        _files.Write("repo/b/config.json", """{ "training": { "validation_error": 0.05 } }""");
        string volume = Path.Combine(_files.Directory, "volume");
        Directory.CreateDirectory(volume);
        WriteVersion(volume, "..2026_01_01_00_00_00.1", ConfigFileWatcherTests.Config(timeoutMs: 1000).Replace("\"repo\"", "\"../repo\"", StringComparison.Ordinal));
        File.CreateSymbolicLink(Path.Combine(volume, ConfigFileWatcher.KubernetesDataLink), "..2026_01_01_00_00_00.1");
        string path = Path.Combine(volume, "routing.json");
        File.CreateSymbolicLink(path, Path.Combine(ConfigFileWatcher.KubernetesDataLink, "routing.json"));

        var loggers = new LoggerFactory([_logs]);
        var provider = new RoutingConfigProvider(path, TestBuilders.ModelBuilder(), TimeProvider.System, loggers.CreateLogger<RoutingConfigProvider>());
        var reloaded = new TaskCompletionSource<RouterModel>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Changed += model => reloaded.TrySetResult(model);
        using var watcher = new ConfigFileWatcher(provider, TimeProvider.System, loggers.CreateLogger<ConfigFileWatcher>(), TimeSpan.FromMilliseconds(20));
        await watcher.StartAsync(CancellationToken.None);

        WriteVersion(volume, "..2026_01_01_00_01_00.2", ConfigFileWatcherTests.Config(timeoutMs: 250).Replace("\"repo\"", "\"../repo\"", StringComparison.Ordinal));
        File.CreateSymbolicLink(Path.Combine(volume, "..data_tmp"), "..2026_01_01_00_01_00.2");
        RenameOver(Path.Combine(volume, "..data_tmp"), Path.Combine(volume, ConfigFileWatcher.KubernetesDataLink));
        var model = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal(2, model.Version);
        Assert.Equal(TimeSpan.FromMilliseconds(250), model.Ensembles["mnist"].Timeout);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    /// <summary>rename(2) of a link over a link, as the kubelet does (File.Move refuses a link to a folder).</summary>
    private static void RenameOver(string source, string destination)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", source, destination]);
        mv.WaitForExit();
        Assert.Equal(0, mv.ExitCode);
    }

    private static void WriteVersion(string volume, string folder, string text)
    {
        Directory.CreateDirectory(Path.Combine(volume, folder));
        File.WriteAllText(Path.Combine(volume, folder, "routing.json"), text);
    }
}
