using Grpc.Net.Client;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>The warm-up against a real worker: its calls reach the worker before the router listens.</summary>
[Collection(RouterClusterCollection.Name)]
public sealed class WarmupFunctionalTests(RouterCluster cluster)
{
    [Fact]
    public async Task The_router_warms_a_real_worker_before_it_listens_and_its_first_request_is_answered_by_every_member()
    {
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1");
        using var files = new TestFiles();
        string config = $$"""
            {
              "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "mnist", "timeout_ms": 1000,
                               "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{worker.Address}}"] } ],
                               "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ]
            }
            """;
        await using var router = RouterHost.Build(
            ["--config", files.Write("routing.json", config), "--port", "0", "--watch", "false", "--warmup-calls", "4", "--Logging:LogLevel:Default", "Warning"]);
        using var workerChannel = GrpcChannel.ForAddress(worker.Address);
        var workerClient = new GRPCInferenceService.GRPCInferenceServiceClient(workerChannel);

        await router.StartAsync();

        // The worker already answered the four warm-up calls when the router's start returned (Kestrel listens only after).
        var stats = (await workerClient.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist_cnn_1" })).ModelStats.Single();
        Assert.Equal(4UL, stats.InferenceCount);
        var result = Assert.Single(router.Services.GetRequiredService<EndpointWarmup>().Results);
        Assert.Equal((worker.Address, WarmupOutcome.Ready, 4), (result.Endpoint, result.Outcome, result.Calls));

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        var response = await client.ModelInferAsync(InferenceCalls.Fp32("mnist", cluster.TestSet.ToModelInput(0, 1), 1));

        Assert.False(InferenceCalls.Fallback(response));
        Assert.Equal(1, InferenceCalls.Answered(response));
        // Only the client's request counts at the endpoint: the warm-up went around the pipeline.
        var ensemble = router.Services.GetRequiredService<RoutingConfigProvider>().Current.Ensembles["mnist"];
        var state = router.Services.GetRequiredService<EndpointRegistry>().Find(worker.Address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker))!;
        Assert.Equal((1L, 0L), (state.Successes, state.Failures));
    }
}
