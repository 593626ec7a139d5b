using EnsembleGrpc.Protocol;
using Grpc.Core;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>The router's ModelStatistics of its virtual models, read before and after a known mix of requests.</summary>
[Collection(RouterClusterCollection.Name)]
public sealed class ModelStatisticsFunctionalTests(RouterCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Counts_and_durations_follow_the_requests_and_failures_once_the_model_resolved()
    {
        const int Successes = 6;
        const int Batch = 2;
        var before = await Read("mnist");
        ulong startedMs = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        for (int i = 0; i < Successes; i++)
        {
            await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist", cluster.TestSet.ToModelInput(i * Batch, Batch), Batch, strategy: "bagging"));
        }

        // Failures of the model: a tensor whose contents do not match its shape, a strategy the ensemble lacks.
        await AssertStatus(StatusCode.InvalidArgument, InferenceCalls.Fp32("mnist", new float[10], 1));
        await AssertStatus(StatusCode.InvalidArgument, InferenceCalls.Fp32("mnist", cluster.TestSet.ToModelInput(0, 1), 1, strategy: "nonsense"));
        // Not the model's: an unknown model or version never reached it.
        await AssertStatus(StatusCode.NotFound, InferenceCalls.Fp32("nope", cluster.TestSet.ToModelInput(0, 1), 1));
        var wrongVersion = InferenceCalls.Fp32("mnist", cluster.TestSet.ToModelInput(0, 1), 1);
        wrongVersion.ModelVersion = "2";
        await AssertStatus(StatusCode.NotFound, wrongVersion);
        ulong endedMs = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var after = await Read("mnist");
        output.WriteLine(after.ToString());
        var a = after.InferenceStats;
        var b = before.InferenceStats;
        Assert.Equal("1", after.Version);
        Assert.Equal((ulong)(Successes * Batch), after.InferenceCount - before.InferenceCount);
        Assert.Equal((ulong)Successes, after.ExecutionCount - before.ExecutionCount);
        Assert.Equal((ulong)Successes, a.Success.Count - b.Success.Count);
        Assert.Equal(2UL, a.Fail.Count - b.Fail.Count);
        Assert.True(a.Fail.Ns > b.Fail.Ns);
        foreach (var (part, was) in new[] { (a.Queue, b.Queue), (a.ComputeInput, b.ComputeInput), (a.ComputeInfer, b.ComputeInfer), (a.ComputeOutput, b.ComputeOutput) })
        {
            Assert.Equal((ulong)Successes, part.Count - was.Count);
        }

        ulong success = a.Success.Ns - b.Success.Ns;
        ulong input = a.ComputeInput.Ns - b.ComputeInput.Ns;
        ulong infer = a.ComputeInfer.Ns - b.ComputeInfer.Ns;
        ulong outputNs = a.ComputeOutput.Ns - b.ComputeOutput.Ns;
        ulong queue = a.Queue.Ns - b.Queue.Ns;
        Assert.True(input > 0 && infer > 0 && outputNs > 0, $"input {input}, infer {infer}, output {outputNs}");
        // The fan-out to three workers dominates; the parts add up to at most the end-to-end time.
        Assert.True(infer > input && infer > outputNs, $"infer {infer}, input {input}, output {outputNs}");
        Assert.True(success >= queue + input + infer + outputNs, $"success {success} < {queue} + {input} + {infer} + {outputNs}");
        Assert.InRange(after.LastInference, startedMs, endedMs);
        Assert.Empty(after.BatchStats);
    }

    [Fact]
    public async Task An_unavailable_ensemble_counts_the_failure()
    {
        var before = await Read("mnist_down");
        await AssertStatus(StatusCode.Unavailable, InferenceCalls.Fp32("mnist_down", cluster.TestSet.ToModelInput(0, 1), 1));
        var after = await Read("mnist_down");

        Assert.Equal(1UL, after.InferenceStats.Fail.Count - before.InferenceStats.Fail.Count);
        Assert.Equal(before.InferenceStats.Success.Count, after.InferenceStats.Success.Count);
        Assert.Equal(before.InferenceCount, after.InferenceCount);
    }

    [Fact]
    public async Task An_empty_name_lists_every_ensemble_and_an_unknown_one_is_not_found_naming_the_served_models()
    {
        var all = await cluster.Client.ModelStatisticsAsync(new ModelStatisticsRequest());
        Assert.Equal(["mnist", "mnist_down", "mnist_guarded", "mnist_kill", "mnist_rejecting", "mnist_shadowed", "mnist_slow", "mnist_stack_down"], all.ModelStats.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(all.ModelStats, s => Assert.Equal("1", s.Version));

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist_cnn_1" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("mnist_cnn_1", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("mnist_shadowed", unknown.Status.Detail, StringComparison.Ordinal);

        var version = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist", Version = "2" }));
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
        var one = await cluster.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist", Version = "1" });
        Assert.Equal("mnist", Assert.Single(one.ModelStats).Name);
    }

    private async Task<ModelStatistics> Read(string model)
    {
        var response = await cluster.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model });
        return Assert.Single(response.ModelStats);
    }

    private async Task AssertStatus(StatusCode expected, ModelInferRequest request)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelInferAsync(request));
        Assert.Equal(expected, ex.StatusCode);
    }
}
