using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Workers;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Workers;

/// <summary>
/// The router's channels to a worker that went away and came back: the call after the restart must reach it on
/// every channel of the endpoint. (A channel that tracked its own connection state failed calls at once for its
/// reconnect backoff, 1 s and growing, after a failed connect: the breaker's successful half-open probe was followed
/// by member_error on the endpoint's other channel.)
/// </summary>
public sealed class WorkerRestartTests
{
    [Fact]
    public async Task Every_call_after_a_worker_restart_reaches_it_on_each_of_the_endpoints_channels()
    {
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1");
        using var client = new GrpcWorkerClient(Options.Create(new WorkerClientOptions { ConnectionsPerEndpoint = 2 }), TimeProvider.System);
        var member = new MemberModel { Name = "mnist_cnn_1", Model = "mnist_cnn_1", Version = "", Endpoints = [worker.Address] };
        var input = new ModelInput(new float[ModelInput.Height * ModelInput.Width], batchSize: 1);
        async Task<WorkerReply> Call() => await client.InferAsync(worker.Address, member, input, TimeSpan.FromSeconds(10), CancellationToken.None);
        var before = new[] { await Call(), await Call() };

        await worker.KillAsync();
        // Each of the two channels (calls go round-robin) fails to connect, twice.
        var down = new List<WorkerReply>();
        for (int i = 0; i < 4; i++)
        {
            down.Add(await Call());
        }

        await worker.RestartAsync();
        var after = new List<WorkerReply>();
        for (int i = 0; i < 4; i++)
        {
            after.Add(await Call());
        }

        Assert.All(before, r => Assert.True(r.Succeeded, r.Error));
        Assert.All(down, r => Assert.False(r.Succeeded));
        Assert.All(after, r => Assert.True(r.Succeeded, $"after the restart: {r.Failure}: {r.Error}"));
    }
}
