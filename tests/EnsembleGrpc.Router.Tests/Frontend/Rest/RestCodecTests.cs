using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Rest;
using Google.Protobuf;

namespace EnsembleGrpc.Router.Tests.Frontend.Rest;

/// <summary>The REST binding's codec: KServe v2 JSON (and binary tensor data) to and from the protocol's messages.</summary>
public sealed class RestCodecTests
{
    [Fact]
    public void Nested_data_is_read_row_major_and_parameters_keep_their_JSON_types()
    {
        var request = Read("""
            {"id": "a", "parameters": {"ensemble_strategy": "vote", "flag": true, "n": 3, "x": 0.5, "binary_data_output": false},
             "inputs": [{"name": "image", "datatype": "UINT8", "shape": [1, 2, 2], "data": [[1, 2], [3, 255]]}]}
            """, null, out var choice, out string? error);

        Assert.Null(error);
        Assert.Equal(("m", "a"), (request!.ModelName, request.Id));
        Assert.Equal([1u, 2, 3, 255], request.Inputs[0].Contents.UintContents);
        Assert.Equal("vote", request.Parameters["ensemble_strategy"].StringParam);
        Assert.True(request.Parameters["flag"].BoolParam);
        Assert.Equal(3, request.Parameters["n"].Int64Param);
        Assert.Equal(0.5, request.Parameters["x"].DoubleParam);
        // The binary extension's own parameter concerns the transport: it does not reach the server.
        Assert.False(request.Parameters.ContainsKey("binary_data_output"));
        Assert.False(choice.AnyBinary);
    }

    [Theory]
    [InlineData("UINT8", "[256]", "input 'x': data element 0 is not a UINT8 value.")]
    [InlineData("FP32", "[1, true]", "input 'x': data element 1 is not a FP32 value.")]
    [InlineData("INT64", "[[1], [2.5]]", "input 'x': data element 1 is not a INT64 value.")]
    [InlineData("FP16", "[1]", "input 'x': datatype 'FP16' cannot be sent as JSON data (JSON takes BOOL, INT8..INT64, UINT8..UINT64, FP32, FP64, BYTES; send FP16 and BF16 as binary data).")]
    public void Data_that_does_not_fit_its_datatype_is_refused_with_where(string datatype, string data, string expected)
    {
        var request = Read($$"""{"inputs": [{"name": "x", "datatype": "{{datatype}}", "shape": [2], "data": {{data}} }]}""", null, out _, out string? error);

        Assert.Null(request);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Binary_inputs_become_raw_contents_and_binary_outputs_are_chosen()
    {
        byte[] json = Encoding.UTF8.GetBytes("""
            {"inputs": [{"name": "a", "datatype": "UINT8", "shape": [3], "parameters": {"binary_data_size": 3}},
                        {"name": "b", "datatype": "UINT8", "shape": [2], "parameters": {"binary_data_size": 2}}],
             "outputs": [{"name": "p", "parameters": {"binary_data": true}}, {"name": "q"}]}
            """);
        byte[] body = [.. json, 1, 2, 3, 4, 5];

        var request = RestInferRequestReader.TryRead(body, json.Length, "m", "", out var choice, out string? error);

        Assert.Null(error);
        Assert.Equal([[1, 2, 3], [4, 5]], request!.RawInputContents.Select(c => c.ToByteArray()));
        Assert.Null(request.Inputs[0].Contents);
        Assert.Empty(request.Inputs[0].Parameters);
        Assert.Equal(["p", "q"], request.Outputs.Select(o => o.Name));
        Assert.True(choice.IsBinary("p"));
        Assert.False(choice.IsBinary("q"));
    }

    [Theory]
    [InlineData(2, 0, "1 of 2 inputs are binary data; send every input as binary data or every input as JSON.")]
    [InlineData(3, 1, "1 bytes of binary data follow the JSON but no input claims them.")]
    [InlineData(9, 0, "input 'a': binary_data_size 9 does not fit the 3 bytes of binary data left.")]
    public void Binary_data_that_does_not_add_up_is_refused(int size, int extra, string expected)
    {
        string second = extra == 0 && size == 2 ? """, {"name": "b", "datatype": "UINT8", "shape": [1], "data": [7]}""" : "";
        byte[] json = Encoding.UTF8.GetBytes($$"""{"inputs": [{"name": "a", "datatype": "UINT8", "shape": [3], "parameters": {"binary_data_size": {{size}} } }{{second}}]}""");
        byte[] body = [.. json, .. new byte[size == 9 ? 3 : size + extra]];

        Assert.Null(RestInferRequestReader.TryRead(body, json.Length, "m", "", out _, out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_header_length_beyond_the_body_is_refused()
    {
        Assert.Null(RestInferRequestReader.TryRead(new byte[4], 5, "m", "", out _, out string? error));
        Assert.Equal("Inference-Header-Content-Length is 5 but the body has 4 bytes.", error);
    }

    [Fact]
    public void Raw_outputs_are_written_as_JSON_arrays_or_as_binary_data_after_the_JSON()
    {
        var response = new ModelInferResponse { ModelName = "m", ModelVersion = "1", Id = "it's" };
        response.Parameters["fallback"] = new InferParameter { BoolParam = false };
        response.Outputs.Add(Output("probabilities", "FP32", 1, 3));
        response.Outputs.Add(Output("predictions", "INT64", 1));
        response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes<float>([0.25f, float.NaN, 0.75f])));
        response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes<long>([2L])));

        var json = new ArrayBufferWriter<byte>();
        long length = RestInferResponseWriter.Write(json, response, RestOutputChoice.Json);
        Assert.Equal(json.WrittenCount, length);
        Assert.Equal(
            """{"model_name":"m","model_version":"1","id":"it's","parameters":{"fallback":false},"outputs":[{"name":"probabilities","datatype":"FP32","shape":[1,3],"data":[0.25,null,0.75]},{"name":"predictions","datatype":"INT64","shape":[1],"data":[2]}]}""",
            Encoding.UTF8.GetString(json.WrittenSpan));

        var binary = new ArrayBufferWriter<byte>();
        length = RestInferResponseWriter.Write(binary, response, new RestOutputChoice(false, new HashSet<string> { "predictions" }));
        using var header = JsonDocument.Parse(binary.WrittenMemory[..(int)length]);
        var predictions = header.RootElement.GetProperty("outputs")[1];
        Assert.Equal(8, predictions.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(predictions.TryGetProperty("data", out _));
        Assert.Equal(BitConverter.GetBytes(2L), binary.WrittenSpan[(int)length..].ToArray());
    }

    private static ModelInferRequest? Read(string json, long? headerLength, out RestOutputChoice choice, out string? error) =>
        RestInferRequestReader.TryRead(Encoding.UTF8.GetBytes(json), headerLength, "m", "", out choice, out error);

    private static ModelInferResponse.Types.InferOutputTensor Output(string name, string datatype, params long[] shape)
    {
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = name, Datatype = datatype };
        output.Shape.Add(shape);
        return output;
    }
}
