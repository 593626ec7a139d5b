using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Scheduling;

namespace EnsembleGrpc.InferenceServer.Tests.Scheduling;

public sealed class BatchingPolicyTests
{
    private static readonly ModelConfig Config = new() { Name = "m", MaxBatchSize = 64 };

    [Fact]
    public void Defaults_when_config_has_no_dynamic_batching()
    {
        var errors = new List<string>();
        var policy = BatchingPolicy.Resolve(Config, new SchedulingOverrides(), errors);
        Assert.Empty(errors);
        Assert.Equal(64, policy.MaxBatchSize);
        Assert.Equal(TimeSpan.Zero, policy.MaxQueueDelay);
        Assert.Equal(DynamicBatchingConfig.DefaultMaxQueueSize, policy.MaxQueueSize);
        Assert.Equal(2, policy.Concurrency);
        Assert.Empty(policy.PreferredBatchSizes);
        Assert.Equal([1, 64], policy.WarmupBatchSizes);
    }

    [Fact]
    public void Config_overrides_defaults_and_the_command_line_overrides_config()
    {
        var config = Config with { DynamicBatching = new DynamicBatchingConfig { MaxBatchSize = 16, MaxQueueDelayUs = 500, PreferredBatchSizes = [8, 4], MaxQueueSize = 10 } };
        var errors = new List<string>();
        var fromConfig = BatchingPolicy.Resolve(config, new SchedulingOverrides(), errors);
        Assert.Equal(16, fromConfig.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMicroseconds(500), fromConfig.MaxQueueDelay);
        Assert.Equal([4, 8], fromConfig.PreferredBatchSizes);
        Assert.Equal([1, 4, 8, 16], fromConfig.WarmupBatchSizes);

        var overridden = BatchingPolicy.Resolve(config, new SchedulingOverrides { MaxBatchSize = 32, MaxQueueDelayUs = 0, MaxQueueSize = 3, Concurrency = 1 }, errors);
        Assert.Empty(errors);
        Assert.Equal(32, overridden.MaxBatchSize);
        Assert.Equal(TimeSpan.Zero, overridden.MaxQueueDelay);
        Assert.Equal(3, overridden.MaxQueueSize);
        Assert.Equal(1, overridden.Concurrency);
    }

    [Fact]
    public void A_batch_limit_above_the_models_is_an_error()
    {
        var errors = new List<string>();
        BatchingPolicy.Resolve(Config, new SchedulingOverrides { MaxBatchSize = 128 }, errors);
        Assert.Contains("exceeds the model's max_batch_size 64", Assert.Single(errors));
    }
}
