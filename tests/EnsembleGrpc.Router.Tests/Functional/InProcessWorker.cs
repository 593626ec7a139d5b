using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>A real worker (the InferenceServer host) on a 127.0.0.1 socket in this process; can be killed and restarted on its port.</summary>
internal sealed class InProcessWorker : IAsyncDisposable
{
    private readonly string _model;
    private readonly string[] _extraArgs;
    private WorkerHost? _host;

    private InProcessWorker(string model, string[] extraArgs)
    {
        _model = model;
        _extraArgs = extraArgs;
    }

    public int Port { get; private set; }

    public string Address => $"http://127.0.0.1:{Port}";

    public static async Task<InProcessWorker> StartAsync(string model, params string[] extraArgs)
    {
        var worker = new InProcessWorker(model, extraArgs);
        await worker.StartOnAsync(0);
        return worker;
    }

    /// <summary>Stops the worker: its port stops answering (connections are closed).</summary>
    public async Task KillAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            await host.DisposeAsync();
        }
    }

    /// <summary>Starts again on the same port, so the router's configured endpoint reaches it.</summary>
    public Task RestartAsync() => StartOnAsync(Port);

    public async ValueTask DisposeAsync() => await KillAsync();

    private async Task StartOnAsync(int port)
    {
        var host = WorkerHost.Build(
            ["--repository", RepoPaths.Models, "--models", _model, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--Logging:LogLevel:Default", "Warning", .. _extraArgs]);
        await host.StartAsync();
        if (!await host.WaitUntilLoadedAsync())
        {
            throw new InvalidOperationException($"worker for {_model} failed to load its model");
        }

        Port = host.Port;
        _host = host;
    }
}
