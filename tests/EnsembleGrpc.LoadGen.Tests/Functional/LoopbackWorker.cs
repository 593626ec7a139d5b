using EnsembleGrpc.InferenceServer.Hosting;

namespace EnsembleGrpc.LoadGen.Tests.Functional;

/// <summary>A real worker serving mnist_cnn_1 on 127.0.0.1 (port 0), shared by the tests of one class.</summary>
public sealed class LoopbackWorker : IAsyncLifetime
{
    private WorkerHost? _worker;

    public string Target => $"http://127.0.0.1:{_worker!.Port}";

    public static string Dataset => Path.Combine(RepoRoot(), "models", "data", "mnist-test.bin");

    public async Task InitializeAsync()
    {
        _worker = WorkerHost.Build(
            ["--repository", Path.Combine(RepoRoot(), "models"), "--models", "mnist_cnn_1", "--host", "127.0.0.1", "--port", "0", "--Logging:LogLevel:Default", "Warning"]);
        await _worker.StartAsync();
        Assert.True(await _worker.WaitUntilLoadedAsync().WaitAsync(TimeSpan.FromSeconds(60)), "mnist_cnn_1 did not load");
    }

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync();
            await _worker.DisposeAsync();
        }
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EnsembleGrpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
