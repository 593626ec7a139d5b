using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Preflight;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Preflight;

/// <summary>What the metadata check accepts, rejects (one line naming the model, tensor and shapes) and picks.</summary>
public sealed class ModelCheckTests
{
    private static readonly TensorInfo Image = new("input", "FP32", [-1, 1, 28, 28]);
    private static readonly TensorInfo Probabilities = new("probabilities", "FP32", [-1, 10]);
    private static readonly TensorInfo Predictions = new("predictions", "INT64", [-1]);

    private static MetadataOutcome Model(TensorInfo[] inputs, params TensorInfo[] outputs)
        => MetadataOutcome.Found(new ModelInfo("mnist", ["1"], inputs, outputs));

    private static ModelCheckRequest Request(long[]? shape = null, string? input = null, bool outputGiven = false, string? output = null) => new()
    {
        Target = "http://127.0.0.1:8001",
        Model = "mnist",
        InputName = input,
        Shape = shape ?? [1, 1, 28, 28],
        OutputNameGiven = outputGiven,
        OutputName = output,
    };

    [Fact]
    public void A_matching_model_passes_and_the_names_come_from_its_metadata()
    {
        var result = ModelCheck.Evaluate(Request([8, 1, 28, 28]), Model([Image], Probabilities, Predictions));

        Assert.True(result.Ok, result.Error);
        Assert.Equal("input", result.InputName);
        Assert.Equal("probabilities", result.OutputName);
    }

    [Fact]
    public void A_single_input_and_output_are_picked_whatever_their_names()
    {
        var result = ModelCheck.Evaluate(Request(), Model([Image with { Name = "pixels" }], new TensorInfo("scores", "FP32", [-1, 10])));

        Assert.True(result.Ok, result.Error);
        Assert.Equal("pixels", result.InputName);
        Assert.Equal("scores", result.OutputName);
    }

    [Fact]
    public void Several_outputs_without_probabilities_are_all_requested()
        => Assert.Null(ModelCheck.Evaluate(Request(), Model([Image], Predictions, new TensorInfo("logits", "FP32", [-1, 10]))).OutputName);

    [Theory]
    [InlineData(new long[] { 1, 1, 32, 32 }, "model 'mnist' input 'input' takes [-1,1,28,28]; LoadGen would send [1,1,32,32]")]
    [InlineData(new long[] { 1, 784 }, "model 'mnist' input 'input' takes [-1,1,28,28]; LoadGen would send [1,784]")]
    public void A_shape_the_model_does_not_take_fails_with_both_shapes(long[] shape, string expected)
    {
        var result = ModelCheck.Evaluate(Request(shape), Model([Image], Probabilities));

        Assert.False(result.Ok);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_that_are_not_there_or_not_fp32_fail()
    {
        Assert.Equal(
            "model 'mnist' has no input 'image' (inputs: input FP32 [-1,1,28,28])",
            ModelCheck.Evaluate(Request(input: "image"), Model([Image], Probabilities)).Error);
        Assert.Equal(
            "model 'mnist' has 2 inputs (a FP32 [-1,1,28,28]; b FP32 [-1,1,28,28]): give --input-name",
            ModelCheck.Evaluate(Request(), Model([Image with { Name = "a" }, Image with { Name = "b" }], Probabilities)).Error);
        Assert.Equal(
            "model 'mnist' input 'input' is UINT8; LoadGen sends FP32",
            ModelCheck.Evaluate(Request(), Model([Image with { Datatype = "UINT8" }], Probabilities)).Error);
        Assert.Equal(
            "model 'mnist' has no output 'logits' (outputs: probabilities FP32 [-1,10])",
            ModelCheck.Evaluate(Request(outputGiven: true, output: "logits"), Model([Image], Probabilities)).Error);
    }

    [Fact]
    public void An_unknown_model_is_named_with_the_models_the_server_has()
    {
        var result = ModelCheck.Evaluate(Request(), MetadataOutcome.Failed(StatusCode.NotFound, "unknown model 'mnist'"), ["fashion_cnn_1", "mnist_cnn_1"]);

        Assert.Equal("model 'mnist' not found at http://127.0.0.1:8001 (unknown model 'mnist'); it serves: fashion_cnn_1, mnist_cnn_1", result.Error);
        Assert.EndsWith("it did not list its models", ModelCheck.Evaluate(Request(), MetadataOutcome.Failed(StatusCode.NotFound, null)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_target_fails_and_a_server_without_metadata_is_trusted()
    {
        Assert.Equal(
            "cannot read the metadata of model 'mnist' from http://127.0.0.1:8001: Unavailable: connection refused",
            ModelCheck.Evaluate(Request(), MetadataOutcome.Failed(StatusCode.Unavailable, "connection refused")).Error);

        var trusted = ModelCheck.Evaluate(Request(input: "x"), MetadataOutcome.Failed(StatusCode.Unimplemented, null));
        Assert.True(trusted.Ok);
        Assert.Equal("x", trusted.InputName);
        Assert.Equal("probabilities", trusted.OutputName);
        Assert.Contains("does not offer ModelMetadata", trusted.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_found_asks_the_statistics_of_every_model_for_their_names()
    {
        var clock = new Fakes.VirtualClock();
        var server = new ScriptedBackend(clock, _ => TimeSpan.Zero)
        {
            Metadata = MetadataOutcome.Failed(StatusCode.NotFound, "no such model"),
            Statistics = new ModelStatisticsSnapshot { Source = "s", Model = "mnist_cnn_2" },
        };

        var result = await ModelCheck.RunAsync(server, Request(), CancellationToken.None);

        Assert.EndsWith("it serves: mnist_cnn_2", result.Error, StringComparison.Ordinal);
    }
}
