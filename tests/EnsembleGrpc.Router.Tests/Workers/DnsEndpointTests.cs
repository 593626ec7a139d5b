using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Workers;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Workers;

/// <summary>
/// Endpoints in the form the Kubernetes manifests use (<c>dns:///name:port</c>, resolved by Grpc.Net.Client's DNS
/// resolver and balanced round-robin), against a real worker: "localhost" resolves without a network.
/// </summary>
public sealed class DnsEndpointTests
{
    [Fact]
    public async Task A_dns_endpoint_reaches_a_real_worker_for_inference_and_readiness()
    {
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1");
        using var client = new GrpcWorkerClient(Options.Create(new WorkerClientOptions()), TimeProvider.System);
        string endpoint = $"dns:///localhost:{worker.Port}";
        var member = new MemberModel { Name = "mnist_cnn_1", Model = "mnist_cnn_1", Version = "", Endpoints = [endpoint] };
        var input = new ModelInput(new float[2 * ModelInput.Height * ModelInput.Width], batchSize: 2);

        // localhost may resolve to ::1 too, where nothing listens: round-robin must use the address that answers.
        var readiness = await client.ProbeReadyAsync(endpoint, "mnist_cnn_1", "", TimeSpan.FromSeconds(10), CancellationToken.None);
        var replies = new List<WorkerReply>();
        for (int i = 0; i < 4; i++)
        {
            replies.Add(await client.InferAsync(endpoint, member, input, TimeSpan.FromSeconds(10), CancellationToken.None));
        }

        Assert.True(readiness.Ready, readiness.Reason);
        Assert.All(replies, r => Assert.True(r.Succeeded, r.Error));
        Assert.All(replies, r => Assert.Equal(2 * 10, r.Probabilities!.Length));
    }
}
