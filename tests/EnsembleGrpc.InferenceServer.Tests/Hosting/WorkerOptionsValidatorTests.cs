using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

public sealed class WorkerOptionsValidatorTests
{
    [Fact]
    public void Defaults_with_a_model_and_a_repository_are_valid()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { Repository = RepoPaths.Models, Models = "mnist_cnn_1" });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Reports_every_error_at_once()
    {
        var options = new WorkerOptions
        {
            Repository = "/nonexistent",
            Models = " , ",
            Host = "example.org",
            Scheduler = "fifo",
            MaxBatchSize = 0,
            MaxQueueDelayUs = -1,
            MaxQueueSize = 0,
            IntraOpThreads = -1,
            Faults = new() { LatencyMs = -5, FailureStatus = "teapot", Models = "ghost" },
        };

        var failures = new WorkerOptionsValidator().Validate(null, options).Failures!.ToList();
        foreach (var expected in new[] { "--models", "--repository", "--host", "--scheduler", "--max-batch-size", "--max-queue-delay-us", "--max-queue-size", "--intra-op-threads", "--fault-latency-ms", "--fault-failure-status", "--fault-models: 'ghost'" })
        {
            Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
        }
    }
}
