using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// Worker and router processes on four emulated hosts. h1 serves all three members, h2 (the host the test breaks) a
/// second replica of mnist_cnn_1, h3 second replicas of mnist_cnn_2 and mnist_cnn_3; the router runs on a host of its
/// own. A fault on h2 leaves every member a healthy replica, and every member has two, so that an ejection never takes
/// a member out altogether (a member's last replica is never ejected): the router can always keep its quorum.
/// </summary>
internal sealed class MultiHostCluster : IAsyncDisposable
{
    public const int WorkerPort = 8001;
    public const int RouterPort = 8000;

    private readonly List<ServerProcess> _processes = [];
    private readonly TestFiles _files = new();
    private GrpcChannel? _channel;

    private MultiHostCluster(NetnsTopology topology) => Topology = topology;

    public NetnsTopology Topology { get; }

    public ServerProcess Router { get; private set; } = null!;

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; private set; } = null!;

    public RouterAdmin.RouterAdminClient Admin { get; private set; } = null!;

    public string FaultyEndpoint => Endpoint("h2");

    public static async Task<MultiHostCluster> StartAsync()
    {
        var cluster = new MultiHostCluster(NetnsTopology.Create("router", "h1", "h2", "h3"));
        try
        {
            await cluster.StartServersAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public string Endpoint(string role) => $"http://{Topology[role].Address}:{WorkerPort}";

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Topology.Dispose();
        _files.Dispose();
    }

    private async Task StartServersAsync()
    {
        var workers = new[] { ("h1", "mnist_cnn_1,mnist_cnn_2,mnist_cnn_3"), ("h2", "mnist_cnn_1"), ("h3", "mnist_cnn_2,mnist_cnn_3") }
            .Select(w => StartWorker(w.Item1, w.Item2)).ToArray();
        await Task.WhenAll(workers.Select(w => w.WaitForLineAsync(l => l.StartsWith("EnsembleGrpc worker ready:", StringComparison.Ordinal))));

        string config = $$"""
            { "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "mnist", "quorum": 2, "timeout_ms": 1000, "partial_after_ms": 100,
                "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{Endpoint("h1")}}", "{{Endpoint("h2")}}"] },
                             { "name": "mnist_cnn_2", "endpoints": ["{{Endpoint("h1")}}", "{{Endpoint("h3")}}"] },
                             { "name": "mnist_cnn_3", "endpoints": ["{{Endpoint("h1")}}", "{{Endpoint("h3")}}"] } ],
                "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ] }
            """;
        var router = Topology["router"];
        Router = Track(ServerProcess.StartIn(router.Namespace, "EnsembleGrpc.Router.dll",
            "--config", _files.Write("routing.json", config), "--host", router.Address, "--port", $"{RouterPort}",
            "--watch", "false", "--state", "none", "--Router:Ejection:MaxEjectionMs", "2000",
            // Floors above this shared machine's scheduling hiccups (tens of ms, hundreds under load), so that healthy
            // hosts are rarely ejected beside the broken one.
            "--Router:Ejection:SlowCallFloorMs", "250", "--Router:Ejection:LatencyFloorMs", "250"));
        await Router.ListeningPortAsync();
        _channel = GrpcChannel.ForAddress($"http://{router.Address}:{RouterPort}");
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        Admin = new RouterAdmin.RouterAdminClient(_channel);
    }

    private ServerProcess StartWorker(string role, string models) =>
        Track(ServerProcess.StartIn(Topology[role].Namespace, "EnsembleGrpc.InferenceServer.dll",
            "--repository", RepoPaths.Models, "--models", models, "--host", Topology[role].Address, "--port", $"{WorkerPort}",
            "--log-level", "Warning"));

    private ServerProcess Track(ServerProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
