using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

/// <summary>Every malformed request gets its status and a message naming what was wrong; the worker keeps serving.</summary>
public sealed class ValidationTests : IClassFixture<MnistWorkerFixture>
{
    private const string Model = "mnist_cnn_1";
    private readonly MnistWorkerFixture _fixture;

    public ValidationTests(MnistWorkerFixture fixture) => _fixture = fixture;

    public static TheoryData<string, StatusCode, string> BadRequests => new()
    {
        { "unknown model", StatusCode.NotFound, "Model 'nope' is not served here; served: mnist_cnn_1, mnist_cnn_2, mnist_cnn_3, mnist_cnn_weak, mnist_stacker" },
        { "unknown version", StatusCode.NotFound, "has no version '7'" },
        { "wrong datatype", StatusCode.InvalidArgument, "Input 'input': expected datatype FP32, got UINT8" },
        { "wrong rank", StatusCode.InvalidArgument, "Input 'input': expected shape [-1,1,28,28] (first dimension: batch size), got [1,28,28]" },
        { "wrong dimension", StatusCode.InvalidArgument, "expected shape [-1,1,28,28] (first dimension: batch size), got [1,1,28,27]" },
        { "raw byte length", StatusCode.InvalidArgument, "Input 'input': expected 3136 bytes of raw contents for shape [1,1,28,28] FP32, got 3132" },
        { "raw and typed mixed", StatusCode.InvalidArgument, "use one or the other" },
        { "raw entries count", StatusCode.InvalidArgument, "raw_input_contents has 2 entries; expected one per input (1)" },
        { "wrong input name", StatusCode.InvalidArgument, "Input 'image' is not an input of model 'mnist_cnn_1'; expected: 'input'" },
        { "too many inputs", StatusCode.InvalidArgument, "Model 'mnist_cnn_1' expects 1 input(s) ('input'); got 2" },
        { "no inputs", StatusCode.InvalidArgument, "expects 1 input(s) ('input'); got 0" },
        { "batch over the limit", StatusCode.InvalidArgument, "Input 'input': batch size 65 exceeds the model's max_batch_size 64" },
        { "empty batch", StatusCode.InvalidArgument, "batch size (first dimension) must be at least 1, got 0" },
        { "non-finite value", StatusCode.InvalidArgument, "Input 'input': value at flat index 5 is not finite (NaN)" },
        { "typed count", StatusCode.InvalidArgument, "Input 'input': expected 784 fp32_contents values for shape [1,1,28,28], got 783" },
        { "typed other type", StatusCode.InvalidArgument, "expected 784 fp32_contents values for shape [1,1,28,28], got 0 (contents of another type were given)" },
        { "unknown requested output", StatusCode.InvalidArgument, "Requested output 'logits' is not an output of model 'mnist_cnn_1'; outputs: 'probabilities'" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_its_status_and_the_worker_keeps_serving(string kind, StatusCode expected, string message)
    {
        var client = _fixture.Worker.Client;
        var error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(Build(kind)).ResponseAsync);
        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);

        var good = await client.ModelInferAsync(Tensors.Raw(Model, "input", _fixture.Split.Slice(0, 1), 1, 1, 28, 28));
        Assert.Equal(_fixture.Split.Labels[0], Tensors.ArgMax(Tensors.Output(good)));
    }

    [Fact]
    public async Task Echoes_the_id_answers_raw_for_raw_and_honours_requested_outputs()
    {
        var request = Tensors.Raw(Model, "input", _fixture.Split.Slice(0, 3), 3, 1, 28, 28);
        request.Id = "request-42";
        request.ModelVersion = "1";
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probabilities" });
        request.Parameters.Add("routing_key", new InferParameter { StringParam = "abc" });

        var response = await _fixture.Worker.Client.ModelInferAsync(request);
        Assert.Equal("request-42", response.Id);
        Assert.Equal(Model, response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        var output = Assert.Single(response.Outputs);
        Assert.Equal("probabilities", output.Name);
        Assert.Equal("FP32", output.Datatype);
        Assert.Equal([3L, 10L], output.Shape);
        Assert.Equal(3 * 10 * sizeof(float), Assert.Single(response.RawOutputContents).Length);
        Assert.Null(output.Contents);
    }

    private ModelInferRequest Build(string kind)
    {
        var image = _fixture.Split.Slice(0, 1);
        var raw = Tensors.Raw(Model, "input", image, 1, 1, 28, 28);
        switch (kind)
        {
            case "unknown model":
                raw.ModelName = "nope";
                return raw;
            case "unknown version":
                raw.ModelVersion = "7";
                return raw;
            case "wrong datatype":
                raw.Inputs[0].Datatype = "UINT8";
                return raw;
            case "wrong rank":
                return Tensors.Raw(Model, "input", image, 1, 28, 28);
            case "wrong dimension":
                return Tensors.Raw(Model, "input", image[..^28], 1, 1, 28, 27);
            case "raw byte length":
                return Tensors.Raw(Model, "input", image[..^1], 1, 1, 28, 28);
            case "raw and typed mixed":
                raw.Inputs[0].Contents = new InferTensorContents();
                raw.Inputs[0].Contents.Fp32Contents.Add(image);
                return raw;
            case "raw entries count":
                raw.RawInputContents.Add(raw.RawInputContents[0]);
                return raw;
            case "wrong input name":
                return Tensors.Raw(Model, "image", image, 1, 1, 28, 28);
            case "too many inputs":
                raw.Inputs.Add(Tensors.Input("extra", "FP32", 1, 1, 28, 28));
                raw.RawInputContents.Add(raw.RawInputContents[0]);
                return raw;
            case "no inputs":
                return new ModelInferRequest { ModelName = Model };
            case "batch over the limit":
                return Tensors.Raw(Model, "input", new float[65 * 784], 65, 1, 28, 28);
            case "empty batch":
                return Tensors.Raw(Model, "input", [], 0, 1, 28, 28);
            case "non-finite value":
                image[5] = float.NaN;
                return Tensors.Raw(Model, "input", image, 1, 1, 28, 28);
            case "typed count":
                return Tensors.Typed(Model, "input", image[..^1], 1, 1, 28, 28);
            case "typed other type":
                var typed = Tensors.Typed(Model, "input", [], 1, 1, 28, 28);
                typed.Inputs[0].Contents.IntContents.Add(1);
                return typed;
            case "unknown requested output":
                raw.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" });
                return raw;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
