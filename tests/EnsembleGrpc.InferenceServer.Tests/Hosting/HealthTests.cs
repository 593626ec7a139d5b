using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Grpc.Health.V1;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>
/// grpc.health.v1.Health on a real worker (fake executors, real Kestrel): it agrees with ServerReady while the models
/// load, once they are READY, and when a model failed to load; the server ("") and the inference service both answer.
/// </summary>
public sealed class HealthTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Health_is_NOT_SERVING_while_the_model_loads_and_SERVING_once_it_is_ready()
    {
        using var repository = new FakeRepository("fake");
        var factory = new FakeExecutorFactory(gatedLoad: true);
        await using var worker = await TestWorker.StartFakeAsync(repository, factory, "fake");
        var health = new Health.HealthClient(worker.Channel);
        await factory.LoadEntered.Task.WaitAsync(Timeout);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, ""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, "inference.GRPCInferenceService"));
        Assert.False((await worker.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);

        factory.OpenLoad();
        Assert.True(await worker.Host.WaitUntilLoadedAsync().WaitAsync(Timeout));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(health, ""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(health, "inference.GRPCInferenceService"));
        Assert.True((await worker.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
    }

    [Fact]
    public async Task Health_is_NOT_SERVING_when_a_model_failed_to_load()
    {
        using var repository = new FakeRepository("fake", "broken");
        File.WriteAllText(Path.Combine(repository.Root, "broken", "config.json"), """{"name": "broken", "platform": "tensorflow", "max_batch_size": 0}""");
        await using var worker = await TestWorker.StartFakeAsync(repository, new FakeExecutorFactory(), "fake,broken", "--exit-on-load-error", "false");
        Assert.False(await worker.Host.WaitUntilLoadedAsync().WaitAsync(Timeout));

        var health = new Health.HealthClient(worker.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, ""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(health, "inference.GRPCInferenceService"));
    }

    [Fact]
    public async Task An_unknown_service_name_is_NOT_FOUND()
    {
        using var repository = new FakeRepository("fake");
        await using var worker = await TestWorker.StartFakeAsync(repository, new FakeExecutorFactory(), "fake");
        Assert.True(await worker.Host.WaitUntilLoadedAsync().WaitAsync(Timeout));

        var health = new Health.HealthClient(worker.Channel);
        var ex = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, ex.StatusCode);
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(Health.HealthClient health, string service) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.Add(Timeout))).Status;
}
