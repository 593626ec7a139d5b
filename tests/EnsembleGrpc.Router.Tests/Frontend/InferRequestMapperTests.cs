using System.Runtime.InteropServices;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Preprocessing;
using Google.Protobuf;

namespace EnsembleGrpc.Router.Tests.Frontend;

/// <summary>
/// From a protocol request to the members' input, as a client outside this project sends it: raw or typed contents,
/// the two advertised input names, and INVALID_ARGUMENT messages that say what to send instead.
/// </summary>
public sealed class InferRequestMapperTests
{
    private readonly ImagePreprocessor _preprocessor = new();

    [Fact]
    public void Fp32_in_typed_contents_is_accepted_like_raw()
    {
        var values = Enumerable.Range(0, 2 * 784).Select(i => (i % 256) / 255f).ToArray();
        var typed = Request("input", "FP32", [2, 1, 28, 28], c => c.Fp32Contents.AddRange(values));
        var raw = Request("input", "FP32", [2, 1, 28, 28], raw: MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

        Assert.Equal(values, Preprocess(typed).Input!.Values.ToArray());
        Assert.Equal(values, Preprocess(raw).Input!.Values.ToArray());
    }

    [Fact]
    public void Uint8_images_in_uint_contents_or_bytes_contents_are_accepted_like_raw()
    {
        var digit = ImagePreprocessorTests.Digit();
        var expected = Preprocess(Request("image", "UINT8", [2, 28, 28], raw: [.. digit, .. digit])).Input!.Values.ToArray();

        var uints = Request("image", "UINT8", [2, 28, 28], c => c.UintContents.AddRange(digit.Concat(digit).Select(p => (uint)p)));
        var oneChunk = Request("image", "UINT8", [2, 28, 28], c => c.BytesContents.Add(ByteString.CopyFrom([.. digit, .. digit])));
        var chunkPerImage = Request("image", "UINT8", [2, 28, 28], c => c.BytesContents.Add([ByteString.CopyFrom(digit), ByteString.CopyFrom(digit)]));

        Assert.Equal(expected, Preprocess(uints).Input!.Values.ToArray());
        Assert.Equal(expected, Preprocess(oneChunk).Input!.Values.ToArray());
        Assert.Equal(expected, Preprocess(chunkPerImage).Input!.Values.ToArray());
    }

    [Theory]
    [InlineData("pixels", "FP32", "input 'pixels' is not an input of the ensemble; inputs: 'input' (FP32 [N,1,28,28], values pixel/255 in [0, 1]) or 'image' (UINT8 [N,H,W,C] or [N,H,W]).")]
    [InlineData("input", "UINT8", "input 'input' must be FP32; got UINT8; inputs: 'input'")]
    [InlineData("image", "FP32", "input 'image' must be UINT8; got FP32; inputs: 'input'")]
    [InlineData("image", "", "input 'image' must be UINT8; got no datatype")]
    public void Names_and_datatypes_are_checked_against_the_advertised_inputs(string name, string datatype, string message)
    {
        var request = Request(name, datatype, [1, 28, 28], raw: new byte[784]);

        Assert.Null(InferRequestMapper.TryGetTensor(request, out string? error));
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_inputs_are_rejected_naming_what_came()
    {
        var request = Request("input", "FP32", [1, 1, 28, 28], raw: new byte[4 * 784]);
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "UINT8" });

        Assert.Null(InferRequestMapper.TryGetTensor(request, out string? error));
        Assert.Contains("exactly one input tensor", error, StringComparison.Ordinal);
        Assert.EndsWith("got 2 ('input', 'image').", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_and_typed_contents_together_are_rejected()
    {
        var request = Request("input", "FP32", [1, 1, 28, 28], c => c.Fp32Contents.AddRange(new float[784]), raw: new byte[4 * 784]);

        Assert.Null(InferRequestMapper.TryGetTensor(request, out string? error));
        Assert.Equal("input 'input' has typed contents but the request uses raw_input_contents; use one or the other.", error);
    }

    [Fact]
    public void Uint_and_bytes_contents_together_are_rejected()
    {
        var request = Request("image", "UINT8", [1, 28, 28], c =>
        {
            c.UintContents.AddRange(new uint[784]);
            c.BytesContents.Add(ByteString.CopyFrom(new byte[784]));
        });

        Assert.Null(InferRequestMapper.TryGetTensor(request, out string? error));
        Assert.Equal("input 'image' has both uint_contents and bytes_contents; use one of them.", error);
    }

    [Theory]
    [InlineData("fp32_short", "fp32_contents hold 10 values, the shape needs 784")]
    [InlineData("fp32_as_int", "fp32_contents hold 0 values, the shape needs 784 (contents of another type were given)")]
    [InlineData("fp32_none", "fp32_contents hold 0 values, the shape needs 784;")]
    [InlineData("uint_too_big", "uint_contents value 256 at flat index 3 does not fit UINT8 (0..255)")]
    [InlineData("uint_short", "uint_contents hold 783 values, the shape needs 784")]
    [InlineData("bytes_short", "bytes_contents hold 700 bytes, the shape needs 784")]
    [InlineData("uint_as_fp32", "uint_contents hold 0 values, the shape needs 784 (contents of another type were given)")]
    public void Wrong_counts_and_values_in_typed_contents_are_invalid_arguments(string scenario, string problem)
    {
        var request = scenario switch
        {
            "fp32_short" => Request("input", "FP32", [1, 1, 28, 28], c => c.Fp32Contents.AddRange(new float[10])),
            "fp32_as_int" => Request("input", "FP32", [1, 1, 28, 28], c => c.IntContents.AddRange(new int[784])),
            "fp32_none" => Request("input", "FP32", [1, 1, 28, 28]),
            "uint_too_big" => Request("image", "UINT8", [1, 28, 28], c => c.UintContents.AddRange(new uint[784].Select((_, i) => i == 3 ? 256u : 0u))),
            "uint_short" => Request("image", "UINT8", [1, 28, 28], c => c.UintContents.AddRange(new uint[783])),
            "bytes_short" => Request("image", "UINT8", [1, 28, 28], c => c.BytesContents.Add(ByteString.CopyFrom(new byte[700]))),
            _ => Request("image", "UINT8", [1, 28, 28], c => c.Fp32Contents.AddRange(new float[784])),
        };

        var result = Preprocess(request);

        Assert.Null(result.Input);
        Assert.Contains(problem, result.Error, StringComparison.Ordinal);
    }

    private PreprocessResult Preprocess(ModelInferRequest request)
    {
        var tensor = InferRequestMapper.TryGetTensor(request, out string? error);
        Assert.Null(error);
        return _preprocessor.Preprocess(tensor!, maxBatchSize: 8);
    }

    private static ModelInferRequest Request(string name, string datatype, long[] shape, Action<InferTensorContents>? typed = null, byte[]? raw = null)
    {
        var request = new ModelInferRequest { ModelName = "mnist" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        input.Shape.AddRange(shape);
        if (typed is not null)
        {
            input.Contents = new InferTensorContents();
            typed(input.Contents);
        }

        request.Inputs.Add(input);
        if (raw is not null)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(raw));
        }

        return request;
    }
}
