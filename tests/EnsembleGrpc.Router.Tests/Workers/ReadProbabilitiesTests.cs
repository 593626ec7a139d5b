using System.Runtime.InteropServices;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Workers;
using Google.Protobuf;

namespace EnsembleGrpc.Router.Tests.Workers;

/// <summary>Reading the member's probabilities out of a worker's response: raw or typed contents, and the shapes refused.</summary>
public sealed class ReadProbabilitiesTests
{
    private const string Output = "probabilities";

    [Fact]
    public void Raw_contents_are_read_as_little_endian_fp32()
    {
        float[] values = [.. Enumerable.Range(0, 20).Select(i => i / 20f)];
        var response = Response(Tensor(Output, "FP32", 2, 10));
        response.RawOutputContents.Add(Raw(values));

        Assert.Equal(values, GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 2));
    }

    [Fact]
    public void Typed_contents_are_read_when_there_are_no_raw_contents()
    {
        float[] values = [.. Enumerable.Range(0, 10).Select(i => i / 10f)];
        var tensor = Tensor(Output, "FP32", 1, 10);
        tensor.Contents = new InferTensorContents();
        tensor.Contents.Fp32Contents.Add(values);

        Assert.Equal(values, GrpcWorkerClient.ReadProbabilities(Response(tensor), Output, batchSize: 1));
    }

    [Fact]
    public void The_named_output_is_read_among_several_with_its_own_raw_entry()
    {
        float[] logits = new float[10];
        float[] probabilities = [.. Enumerable.Repeat(0.1f, 10)];
        var response = Response(Tensor("logits", "FP32", 1, 10), Tensor(Output, "FP32", 1, 10));
        response.RawOutputContents.Add(Raw(logits));
        response.RawOutputContents.Add(Raw(probabilities));

        Assert.Equal(probabilities, GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 1));
    }

    [Fact]
    public void A_single_output_of_another_name_is_taken()
    {
        float[] values = [.. Enumerable.Repeat(0.1f, 10)];
        var response = Response(Tensor("output_0", "FP32", 1, 10));
        response.RawOutputContents.Add(Raw(values));

        Assert.Equal(values, GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 1));
    }

    [Fact]
    public void Several_outputs_none_of_the_name_are_refused()
    {
        var response = Response(Tensor("logits", "FP32", 1, 10), Tensor("features", "FP32", 1, 10));

        var ex = Assert.Throws<InvalidDataException>(() => GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 1));

        Assert.Contains("no output 'probabilities'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_datatype_is_refused()
    {
        var response = Response(Tensor(Output, "FP64", 1, 10));
        response.RawOutputContents.Add(ByteString.CopyFrom(new byte[80]));

        var ex = Assert.Throws<InvalidDataException>(() => GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 1));

        Assert.Contains("FP64, expected FP32", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new long[] { 2, 10 }, 1)]
    [InlineData(new long[] { 10 }, 1)]
    [InlineData(new long[] { 1, 1, 10 }, 1)]
    [InlineData(new long[] { 1, 10 }, 2)]
    public void A_shape_other_than_batch_by_classes_is_refused(long[] shape, int batchSize)
    {
        var response = Response(Tensor(Output, "FP32", shape));
        response.RawOutputContents.Add(Raw(new float[shape.Aggregate(1L, (a, b) => a * b)]));

        var ex = Assert.Throws<InvalidDataException>(() => GrpcWorkerClient.ReadProbabilities(response, Output, batchSize));

        Assert.Contains($"shape [{string.Join(",", shape)}], expected [{batchSize},classes]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_contents_of_a_partial_value_are_refused()
    {
        var response = Response(Tensor(Output, "FP32", 1, 10));
        response.RawOutputContents.Add(ByteString.CopyFrom(new byte[39]));

        var ex = Assert.Throws<InvalidDataException>(() => GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 1));

        Assert.Contains("39 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_contents_missing_for_the_named_output_are_refused()
    {
        var response = Response(Tensor("logits", "FP32", 1, 10), Tensor(Output, "FP32", 1, 10));
        response.RawOutputContents.Add(Raw(new float[10]));

        Assert.Throws<InvalidDataException>(() => GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 1));
    }

    [Fact]
    public void An_output_without_any_contents_is_refused()
    {
        var response = Response(Tensor(Output, "FP32", 1, 10));

        var ex = Assert.Throws<InvalidDataException>(() => GrpcWorkerClient.ReadProbabilities(response, Output, batchSize: 1));

        Assert.Contains("no contents", ex.Message, StringComparison.Ordinal);
    }

    private static ModelInferResponse Response(params ModelInferResponse.Types.InferOutputTensor[] outputs)
    {
        var response = new ModelInferResponse { ModelName = "mnist_cnn_1", ModelVersion = "1" };
        response.Outputs.Add(outputs);
        return response;
    }

    private static ModelInferResponse.Types.InferOutputTensor Tensor(string name, string datatype, params long[] shape)
    {
        var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = name, Datatype = datatype };
        tensor.Shape.Add(shape);
        return tensor;
    }

    private static ByteString Raw(float[] values) => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
}
