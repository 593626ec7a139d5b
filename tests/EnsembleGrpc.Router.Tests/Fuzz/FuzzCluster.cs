using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Fuzz;

/// <summary>
/// The fuzz suite's targets: one worker process serving the three members and a router process over it, started the
/// way a user starts them, and warmed with ordinary requests before any RSS is read.
/// </summary>
public sealed class FuzzCluster : IAsyncLifetime
{
    private readonly TestFiles _files = new();
    private readonly List<GrpcChannel> _channels = [];

    internal FuzzTarget Worker { get; private set; } = null!;

    internal FuzzTarget Router { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var worker = ServerProcess.Start("EnsembleGrpc.InferenceServer.dll",
            "--repository", RepoPaths.Models, "--models", "mnist_cnn_1,mnist_cnn_2,mnist_cnn_3", "--host", "127.0.0.1", "--port", "0", "--log-level", "Warning");
        int workerPort = await worker.ListeningPortAsync();
        await worker.WaitForLineAsync(l => l.StartsWith("EnsembleGrpc worker ready:", StringComparison.Ordinal));
        string endpoint = $"http://127.0.0.1:{workerPort}";
        string config = $$"""
            { "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "mnist", "timeout_ms": 5000,
                "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{endpoint}}"] }, { "name": "mnist_cnn_2", "endpoints": ["{{endpoint}}"] },
                             { "name": "mnist_cnn_3", "endpoints": ["{{endpoint}}"] } ],
                "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ] }
            """;
        var router = ServerProcess.Start("EnsembleGrpc.Router.dll",
            "--config", _files.Write("routing.json", config), "--port", "0", "--watch", "false", "--state", "none", "--log-level", "Warning");
        int routerPort = await router.ListeningPortAsync();
        Worker = new FuzzTarget("worker", worker, workerPort, "mnist_cnn_1", Client(workerPort));
        Router = new FuzzTarget("router", router, routerPort, "mnist", Client(routerPort));
        await Worker.WarmAsync();
        await Router.WarmAsync();
    }

    public async Task DisposeAsync()
    {
        _channels.ForEach(c => c.Dispose());
        if (Router is not null)
        {
            await Router.Process.DisposeAsync();
        }

        if (Worker is not null)
        {
            await Worker.Process.DisposeAsync();
        }

        _files.Dispose();
    }

    private GRPCInferenceService.GRPCInferenceServiceClient Client(int port)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        _channels.Add(channel);
        return new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }
}
