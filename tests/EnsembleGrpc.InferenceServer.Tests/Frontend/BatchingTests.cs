using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Xunit.Abstractions;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

/// <summary>Concurrent batch-1 requests on a real model are coalesced, and each caller gets its own answer.</summary>
public sealed class BatchingTests
{
    private readonly ITestOutputHelper _output;

    public BatchingTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Concurrent_single_image_requests_are_batched_and_answered_individually()
    {
        const string model = "mnist_cnn_1";
        const int callers = 64;
        var split = MnistSplit.Load(RepoPaths.MnistTestSplit);

        // A 20 ms queue delay lets the concurrent burst gather into batches on any machine.
        await using var worker = await TestWorker.StartAsync(["--repository", RepoPaths.Models, "--models", model, "--max-queue-delay-us", "20000"]);
        var client = worker.Client;
        var singles = new float[callers][];
        for (var i = 0; i < callers; i++)
        {
            singles[i] = Tensors.Output(await client.ModelInferAsync(Tensors.Raw(model, "input", split.Slice(i, 1), 1, 1, 28, 28)));
        }

        var before = await Statistics(client, model);
        var responses = await Task.WhenAll(Enumerable.Range(0, callers).Select(async i =>
        {
            var request = Tensors.Raw(model, "input", split.Slice(i, 1), 1, 1, 28, 28);
            request.Id = $"image-{i}";
            return await client.ModelInferAsync(request);
        }));
        var after = await Statistics(client, model);

        for (var i = 0; i < callers; i++)
        {
            Assert.Equal($"image-{i}", responses[i].Id);
            var batched = Tensors.Output(responses[i]);
            Assert.Equal(10, batched.Length);
            Assert.Equal(Tensors.ArgMax(singles[i]), Tensors.ArgMax(batched));
            for (var k = 0; k < 10; k++)
            {
                Assert.Equal(singles[i][k], batched[k], 1e-5f);
            }
        }

        var inferences = after.InferenceCount - before.InferenceCount;
        var executions = after.ExecutionCount - before.ExecutionCount;
        _output.WriteLine($"{callers} concurrent requests: {inferences} inferences in {executions} executions; batch sizes {string.Join(", ", after.BatchStats.Select(b => $"{b.BatchSize}x{b.ComputeInfer.Count}"))}");
        Assert.Equal((ulong)callers, inferences);
        Assert.True(executions < inferences, $"expected batching: {executions} executions for {inferences} inferences");
    }

    private static async Task<ModelStatistics> Statistics(GRPCInferenceService.GRPCInferenceServiceClient client, string model)
        => (await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model })).ModelStats.Single();
}
