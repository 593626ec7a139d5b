using EnsembleGrpc.Datasets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Processes;

/// <summary>
/// Workers and the router as processes, started the way a user starts them: a steady worker serving all three
/// members, a flaky one (mnist_cnn_3 failing 40% of its calls, seeded), one the tests kill and restart (mnist_cnn_2),
/// and a router that watches its routing file (the default) in a folder the tests rewrite (<see cref="RoutingFolder"/>).
/// Ejection and warm-up are off, so that what the tests see of a breaker is the breaker's own doing.
/// </summary>
public sealed class ProcessCluster : IAsyncLifetime
{
    private readonly TestFiles _files = new();
    private ServerProcess? _steady;
    private ServerProcess? _flaky;
    private ServerProcess? _killable;
    private GrpcChannel? _channel;
    private GrpcChannel? _steadyChannel;

    internal ServerProcess Router { get; private set; } = null!;

    internal RoutingFolder Routing { get; private set; } = null!;

    internal int KillablePort { get; private set; }

    internal GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

    internal RouterAdmin.RouterAdminClient Admin { get; private set; } = null!;

    /// <summary>The steady worker, called directly (the members' own answers, to check the router's).</summary>
    internal GRPCInferenceService.GRPCInferenceServiceClient Steady { get; private set; } = null!;

    internal EgdsDataset TestSet { get; } = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin"));

    public async Task InitializeAsync()
    {
        _steady = StartWorker("mnist_cnn_1,mnist_cnn_2,mnist_cnn_3", "0");
        _flaky = StartWorker("mnist_cnn_3", "0", "--fault-failure-rate", "0.4", "--fault-seed", "11");
        _killable = StartWorker("mnist_cnn_2", "0");
        int[] ports = await Task.WhenAll(_steady.ListeningPortAsync(), _flaky.ListeningPortAsync(), _killable.ListeningPortAsync());
        await Task.WhenAll(new[] { _steady, _flaky, _killable }.Select(WaitReadyAsync));
        KillablePort = ports[2];

        string repository = ScratchRepository.Create(Path.Combine(_files.Directory, "repository"));
        Routing = new RoutingFolder(Path.Combine(_files.Directory, "config"), repository, $"http://127.0.0.1:{ports[0]}", $"http://127.0.0.1:{ports[1]}", $"http://127.0.0.1:{ports[2]}");
        Router = ServerProcess.Start("EnsembleGrpc.Router.dll", "--config", Routing.WritePlain("v1"), "--port", "0", "--state", "none",
            "--warmup", "false", "--Router:Ejection:Enabled", "false",
            // Each fallback's detail (which worker said what), for the tests' failure messages.
            "--Logging:LogLevel:EnsembleGrpc.Router.Traffic.TrafficRouter", "Debug");
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{await Router.ListeningPortAsync()}");
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        Admin = new RouterAdmin.RouterAdminClient(_channel);
        _steadyChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[0]}");
        Steady = new GRPCInferenceService.GRPCInferenceServiceClient(_steadyChannel);
    }

    /// <summary>SIGKILL: the port refuses connections until <see cref="RestartKillableAsync"/>.</summary>
    internal async Task KillKillableAsync()
    {
        var killable = _killable!;
        _killable = null;
        await killable.DisposeAsync();
    }

    /// <summary>A new worker process on the killed one's port, so the router's endpoint reaches it again.</summary>
    internal async Task RestartKillableAsync()
    {
        _killable = StartWorker("mnist_cnn_2", KillablePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WaitReadyAsync(_killable);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        _steadyChannel?.Dispose();
        foreach (var process in new[] { Router, _steady, _flaky, _killable })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        _files.Dispose();
    }

    private static ServerProcess StartWorker(string models, string port, params string[] extra) =>
        ServerProcess.Start("EnsembleGrpc.InferenceServer.dll",
            ["--repository", RepoPaths.Models, "--models", models, "--host", "127.0.0.1", "--port", port, "--log-level", "Warning", .. extra]);

    private static Task WaitReadyAsync(ServerProcess worker) =>
        worker.WaitForLineAsync(l => l.StartsWith("EnsembleGrpc worker ready:", StringComparison.Ordinal));
}
