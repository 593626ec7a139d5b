using System.Diagnostics;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EnsembleGrpc.Router.Tests.Hosting;

/// <summary>
/// grpc.health.v1.Health and ServerReady on a real router with real workers: SERVING while every ensemble has its
/// quorum of members reachable, NOT_SERVING when a worker stops and its ensemble drops below quorum, SERVING again
/// when it returns. Each check probes the members at once (freshness 0), and the test polls the observable status
/// with a bounded wait: no sleeps.
/// </summary>
public sealed class RouterHealthTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_router_is_SERVING_with_its_quorum_up_NOT_SERVING_below_it_and_SERVING_again_when_the_worker_returns()
    {
        await using var w1 = await InProcessWorker.StartAsync("mnist_cnn_1");
        await using var w2 = await InProcessWorker.StartAsync("mnist_cnn_2");
        using var files = new TestFiles();
        // "pair" needs both members; "either" needs one: only "pair" falls below its quorum when w2 stops.
        string config = $$"""
            {
              "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [
                { "name": "pair", "quorum": 2,
                  "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{w1.Address}}"] },
                               { "name": "mnist_cnn_2", "endpoints": ["{{w2.Address}}"] } ],
                  "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] },
                { "name": "either", "quorum": 1,
                  "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{w1.Address}}"] },
                               { "name": "mnist_cnn_2", "endpoints": ["{{w2.Address}}"] } ],
                  "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ]
            }
            """;
        await using var router = await StartRouterAsync(files.Write("routing.json", config));
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        var health = new Health.HealthClient(channel);
        var inference = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        Assert.Equal(ServingStatus.Serving, await StatusAsync(health, ""));
        Assert.Equal(ServingStatus.Serving, await StatusAsync(health, "inference.GRPCInferenceService"));
        Assert.True((await inference.ServerReadyAsync(new ServerReadyRequest())).Ready);

        await w2.KillAsync();
        await WaitForAsync(health, ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await StatusAsync(health, "inference.GRPCInferenceService"));
        Assert.False((await inference.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await inference.ServerLiveAsync(new ServerLiveRequest())).Live);

        await w2.RestartAsync();
        await WaitForAsync(health, ServingStatus.Serving);
        Assert.True((await inference.ServerReadyAsync(new ServerReadyRequest())).Ready);
    }

    [Fact]
    public async Task A_router_whose_workers_are_all_down_is_NOT_SERVING_and_not_ready_but_live()
    {
        using var files = new TestFiles();
        string config = $$"""
            {
              "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [
                { "name": "mnist",
                  "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{DeadAddress()}}"] },
                               { "name": "mnist_cnn_2", "endpoints": ["{{DeadAddress()}}"] } ],
                  "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ]
            }
            """;
        await using var router = await StartRouterAsync(files.Write("routing.json", config));
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        var inference = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        Assert.Equal(ServingStatus.NotServing, await StatusAsync(new Health.HealthClient(channel), ""));
        Assert.False((await inference.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await inference.ServerLiveAsync(new ServerLiveRequest())).Live);
    }

    private static async Task<RouterHost> StartRouterAsync(string configPath)
    {
        var router = RouterHost.Build(
            ["--config", configPath, "--port", "0", "--watch", "false", "--warmup-timeout-ms", "3000",
             "--Router:Health:ProbeFreshnessMs", "0", "--Logging:LogLevel:Default", "Warning"]);
        await router.StartAsync();
        return router;
    }

    private static async Task<ServingStatus> StatusAsync(Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.Add(Bound))).Status;

    /// <summary>Checks again until the router reports <paramref name="expected"/>; fails after a bounded wait.</summary>
    private static async Task WaitForAsync(Health.HealthClient health, ServingStatus expected)
    {
        var elapsed = Stopwatch.StartNew();
        ServingStatus seen;
        while ((seen = await StatusAsync(health, "")) != expected)
        {
            Assert.True(elapsed.Elapsed < Bound, $"the router still reports {seen} after {Bound.TotalSeconds} s, expected {expected}");
            await Task.Delay(20); // a pause between polls, not a synchronisation: the loop waits on the status itself
        }
    }

    private static string DeadAddress()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
