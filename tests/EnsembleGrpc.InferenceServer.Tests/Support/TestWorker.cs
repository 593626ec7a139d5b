using Grpc.Net.Client;
using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>A worker on real Kestrel at 127.0.0.1, port 0, in this process, with a client connected to it.</summary>
public sealed class TestWorker : IAsyncDisposable
{
    private TestWorker(WorkerHost host, GrpcChannel channel)
    {
        Host = host;
        Channel = channel;
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    public WorkerHost Host { get; }

    public GrpcChannel Channel { get; }

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    public ModelManager Models => Host.Services.GetRequiredService<ModelManager>();

    /// <summary>Starts a worker with <paramref name="args"/> (plus port 0, quiet logs) and, unless told otherwise, waits for its models.</summary>
    public static async Task<TestWorker> StartAsync(string[] args, Action<IServiceCollection>? services = null, bool waitForModels = true)
    {
        var host = WorkerHost.Build([.. args, "--host", "127.0.0.1", "--port", "0", "--Logging:LogLevel:Default", "Warning"], services);
        await host.StartAsync();
        var worker = new TestWorker(host, GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}", new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 }));
        if (waitForModels)
        {
            Assert.True(await host.WaitUntilLoadedAsync().WaitAsync(TimeSpan.FromSeconds(120)), "the worker's models did not all load");
        }

        return worker;
    }

    /// <summary>A worker serving fake models from <paramref name="repository"/> through <paramref name="factory"/>.</summary>
    public static Task<TestWorker> StartFakeAsync(FakeRepository repository, FakeExecutorFactory factory, string models, params string[] args)
        => StartAsync(
            ["--repository", repository.Root, "--models", models, .. args],
            services => services.AddSingleton<IModelExecutorFactory>(factory),
            waitForModels: false);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
