using EnsembleGrpc.InferenceServer.Repository;

namespace EnsembleGrpc.InferenceServer.Tests.Repository;

public sealed class ModelConfigValidatorTests
{
    private static readonly ModelConfig Valid = new()
    {
        Name = "m",
        Platform = "onnxruntime_onnx",
        MaxBatchSize = 8,
        Inputs = [new TensorConfig { Name = "x", Datatype = "FP32", Shape = [-1, 4] }],
        Outputs = [new TensorConfig { Name = "y", Datatype = "FP32", Shape = [-1, 2] }],
    };

    [Fact]
    public void Accepts_a_valid_configuration() => Assert.Empty(ModelConfigValidator.Validate(Valid, "m"));

    [Fact]
    public void Reports_every_problem_at_once()
    {
        var config = Valid with
        {
            Name = "other",
            Platform = "tensorflow",
            MaxBatchSize = 0,
            Inputs = [new TensorConfig { Name = "x", Datatype = "UINT8", Shape = [4] }, new TensorConfig { Name = "x", Datatype = "FP32", Shape = [-1, -1] }],
            Outputs = [],
            DynamicBatching = new DynamicBatchingConfig { MaxQueueDelayUs = -1, MaxQueueSize = 0, PreferredBatchSizes = [0] },
        };

        var errors = ModelConfigValidator.Validate(config, "m");
        Assert.Contains(errors, e => e.Contains("directory is 'm'"));
        Assert.Contains(errors, e => e.Contains("only 'onnxruntime_onnx'"));
        Assert.Contains(errors, e => e.Contains("\"max_batch_size\" is 0"));
        Assert.Contains(errors, e => e.Contains("datatype 'UINT8'"));
        Assert.Contains(errors, e => e.Contains("appears twice"));
        Assert.Contains(errors, e => e.Contains("batch dimension -1 first"));
        Assert.Contains(errors, e => e.Contains("only the first (batch) dimension may be variable"));
        Assert.Contains(errors, e => e.Contains("\"outputs\" is empty"));
        Assert.Contains(errors, e => e.Contains("max_queue_delay_us"));
        Assert.Contains(errors, e => e.Contains("max_queue_size"));
        Assert.Contains(errors, e => e.Contains("preferred_batch_sizes"));
    }
}
