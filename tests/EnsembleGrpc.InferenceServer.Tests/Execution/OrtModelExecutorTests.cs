using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

public sealed class OrtModelExecutorTests
{
    private static readonly ExecutionSettings Cpu = new() { IntraOpThreads = 1, InterOpThreads = 1 };

    private static ModelDefinition Read(string model) => new ModelRepository(RepoPaths.Models).Read(model).Definition!;

    [Fact]
    public void Runs_a_batch_and_returns_one_probability_row_per_image()
    {
        using var executor = new OrtModelExecutorFactory(Cpu).Create(Read("mnist_cnn_1"));
        var split = MnistSplit.Load(RepoPaths.MnistTestSplit);
        var outputs = executor.Run(3, [split.Slice(0, 3)]);

        var probabilities = Assert.Single(outputs);
        Assert.Equal(30, probabilities.Length);
        for (var r = 0; r < 3; r++)
        {
            Assert.Equal(1f, probabilities.AsSpan(r * 10, 10).ToArray().Sum(), 1e-4f);
            Assert.Equal(split.Labels[r], Tensors.ArgMax(probabilities.AsSpan(r * 10, 10)));
        }
    }

    [Fact]
    public void A_model_that_does_not_match_its_configuration_fails_to_load_with_every_difference()
    {
        var model = Read("mnist_cnn_1");
        var wrong = model with
        {
            Config = model.Config with
            {
                Inputs = [new TensorConfig { Name = "image", Datatype = "FP32", Shape = [-1, 1, 28, 28] }],
                Outputs = [new TensorConfig { Name = "probabilities", Datatype = "FP32", Shape = [-1, 12] }],
            },
        };

        var error = Assert.Throws<ModelLoadException>(() => new OrtModelExecutorFactory(Cpu).Create(wrong));
        Assert.Contains("input 'image' is not in the model (input)", error.Message);
        Assert.Contains("output 'probabilities' dimension 1 is 10 in the model, 12 in the configuration", error.Message);
    }

    [Fact]
    public void A_missing_model_file_fails_to_load_clearly()
    {
        var model = Read("mnist_cnn_1") with { ModelPath = "/nonexistent/model.onnx" };
        var error = Assert.Throws<ModelLoadException>(() => new OrtModelExecutorFactory(Cpu).Create(model));
        Assert.Contains("could not be loaded on cpu", error.Message);
        Assert.Contains("/nonexistent/model.onnx", error.Message);
    }

    [Fact]
    public void Cuda_either_runs_or_fails_to_load_with_a_clear_message()
    {
        // The CPU build of ONNX Runtime fetched here lacks the CUDA provider libraries; with a CUDA build
        // (--ort-library) on a GPU machine the same call serves on the GPU.
        var settings = Cpu with { Device = ExecutionDevice.Parse("cuda:0")! };
        try
        {
            using var executor = new OrtModelExecutorFactory(settings).Create(Read("mnist_cnn_1"));
            Assert.Equal(10, executor.Run(1, [new float[784]])[0].Length);
        }
        catch (ModelLoadException error)
        {
            Assert.Contains("could not be loaded on cuda:0", error.Message);
        }
    }

    [Theory]
    [InlineData("cpu", false, 0)]
    [InlineData("CUDA", true, 0)]
    [InlineData("cuda:3", true, 3)]
    public void Parses_devices(string text, bool cuda, int id) => Assert.Equal(new ExecutionDevice(cuda, id), ExecutionDevice.Parse(text));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void Rejects_unknown_devices(string text) => Assert.Null(ExecutionDevice.Parse(text));
}
