using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Functional.Rest;

/// <summary>
/// One worker serving the three MNIST members and a router in front of it, both in-process on 127.0.0.1 sockets with
/// their gRPC port and their REST port (--http-port 0): mnist answers, mnist_down has no member up.
/// </summary>
public sealed class RestCluster : IAsyncLifetime
{
    private readonly TestFiles _files = new();
    private WorkerHost? _worker;
    private RouterHost? _router;
    private GrpcChannel? _workerChannel;
    private GrpcChannel? _routerChannel;

    internal EgdsDataset TestSet { get; } = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin"));

    internal int RouterGrpcPort => _router!.Port;

    internal int WorkerGrpcPort => _worker!.Port;

    internal HttpClient RouterHttp { get; private set; } = null!;

    internal HttpClient WorkerHttp { get; private set; } = null!;

    internal GRPCInferenceService.GRPCInferenceServiceClient Router { get; private set; } = null!;

    internal GRPCInferenceService.GRPCInferenceServiceClient Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _worker = WorkerHost.Build(
            ["--repository", RepoPaths.Models, "--models", "mnist_cnn_1,mnist_cnn_2,mnist_cnn_3", "--host", "127.0.0.1", "--port", "0", "--http-port", "0",
             "--Logging:LogLevel:Default", "Warning"]);
        await _worker.StartAsync();
        Assert.True(await _worker.WaitUntilLoadedAsync());
        string worker = $"http://127.0.0.1:{_worker.Port}";
        string config = $$"""
            {
              "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [
                { "name": "mnist", "timeout_ms": 10000, "max_batch_size": 32,
                  "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{worker}}"] },
                               { "name": "mnist_cnn_2", "endpoints": ["{{worker}}"] },
                               { "name": "mnist_cnn_3", "endpoints": ["{{worker}}"] } ],
                  "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 },
                            { "name": "stacking", "strategy": "stacking", "weight": 0, "parameters": { "meta_model": "mnist_stacker" } } ] },
                { "name": "mnist_down", "timeout_ms": 5000,
                  "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{DeadAddress()}}"] } ],
                  "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] }
              ]
            }
            """;
        _router = RouterHost.Build(["--config", _files.Write("routing.json", config), "--port", "0", "--http-port", "0", "--state", ":memory:",
            "--watch", "false", "--warmup-timeout-ms", "3000", "--Logging:LogLevel:Default", "Warning"]);
        await _router.StartAsync();

        RouterHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_router.HttpPort}") };
        WorkerHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_worker.HttpPort}") };
        _routerChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{_router.Port}");
        _workerChannel = GrpcChannel.ForAddress(worker);
        Router = new GRPCInferenceService.GRPCInferenceServiceClient(_routerChannel);
        Worker = new GRPCInferenceService.GRPCInferenceServiceClient(_workerChannel);
    }

    public async Task DisposeAsync()
    {
        RouterHttp?.Dispose();
        WorkerHttp?.Dispose();
        _routerChannel?.Dispose();
        _workerChannel?.Dispose();
        if (_router is not null)
        {
            await _router.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            await _router.DisposeAsync();
        }

        if (_worker is not null)
        {
            await _worker.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            await _worker.DisposeAsync();
        }

        _files.Dispose();
    }

    private static string DeadAddress()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
