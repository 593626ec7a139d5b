using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EnsembleGrpc.Protocol;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.Functional.Rest;

/// <summary>The router's REST binding: the same engine, answers and errors as its gRPC service, for a client with curl.</summary>
[Collection(RestClusterCollection.Name)]
public sealed class RouterRestTests(RestCluster cluster)
{
    private const int N = 20;

    [Fact]
    public async Task Rest_infer_gives_the_same_answer_as_gRPC_for_real_test_digits()
    {
        var pixels = cluster.TestSet.Images(0, N).ToArray();
        var grpc = await cluster.Router.ModelInferAsync(InferenceCalls.Uint8("mnist", pixels, [N, 28, 28], strategy: "stacking"));

        var body = RestJson.Request("image", "UINT8", [N, 28, 28], pixels.Select(p => (JsonNode?)p), strategy: "stacking", id: "rest-1");
        var (response, json) = await RestJson.PostAsync(cluster.RouterHttp, "/v2/models/mnist/infer", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("rest-1", json.GetProperty("id").GetString());
        Assert.Equal("stacking", json.GetProperty("parameters").GetProperty("ensemble_strategy").GetString());
        Assert.Equal(3, json.GetProperty("parameters").GetProperty("members_answered").GetInt64());
        var predictions = RestJson.Data(json, "predictions").Select(v => (int)v).ToArray();
        Assert.Equal(InferenceCalls.Predictions(grpc), predictions);
        Assert.Equal(InferenceCalls.Probabilities(grpc), RestJson.Data(json, "probabilities").Select(v => (float)v));
        Assert.True(predictions.Zip(cluster.TestSet.Labels).Count(p => p.First == p.Second) >= N - 2);
    }

    [Fact]
    public async Task Binary_tensor_data_in_and_out_gives_the_same_answer_as_JSON()
    {
        var pixels = cluster.TestSet.Images(0, N).ToArray();
        var (_, json) = await RestJson.PostAsync(cluster.RouterHttp, "/v2/models/mnist/infer",
            RestJson.Request("image", "UINT8", [N, 28, 28], pixels.Select(p => (JsonNode?)p), strategy: "bagging"));
        string header = $$"""
            {"parameters": {"ensemble_strategy": "bagging"},
             "inputs": [{"name": "image", "datatype": "UINT8", "shape": [{{N}}, 28, 28], "parameters": {"binary_data_size": {{pixels.Length}} } }],
             "outputs": [{"name": "predictions", "parameters": {"binary_data": true} }] }
            """;
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        using var content = new ByteArrayContent([.. headerBytes, .. pixels]);
        content.Headers.Add("Inference-Header-Content-Length", headerBytes.Length.ToString(CultureInfo.InvariantCulture));

        using var response = await cluster.RouterHttp.PostAsync(new Uri("/v2/models/mnist/infer", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        int jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), CultureInfo.InvariantCulture);
        var answer = JsonDocument.Parse(bytes.AsMemory(0, jsonLength)).RootElement;
        var output = answer.GetProperty("outputs").EnumerateArray().Single();
        Assert.Equal("predictions", output.GetProperty("name").GetString());
        Assert.Equal(N * sizeof(long), output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(output.TryGetProperty("data", out _));
        var binary = Enumerable.Range(0, N).Select(i => (double)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(jsonLength + (i * sizeof(long))))).ToArray();
        Assert.Equal(RestJson.Data(json, "predictions"), binary);
    }

    [Fact]
    public async Task Errors_take_the_documented_statuses_and_the_gRPC_messages()
    {
        var pixel = cluster.TestSet.Images(0, 1).ToArray();
        await AssertSameError(HttpStatusCode.NotFound, StatusCode.NotFound, "nope", "", "image", "UINT8", pixel);
        await AssertSameError(HttpStatusCode.NotFound, StatusCode.NotFound, "mnist", "2", "image", "UINT8", pixel);
        await AssertSameError(HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "mnist", "", "image", "FP32", pixel);
        await AssertSameError(HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "mnist", "", "pixels", "UINT8", pixel);
        await AssertSameError(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable, "mnist_down", "", "image", "UINT8", pixel);
    }

    [Fact]
    public async Task A_body_that_is_not_an_inference_request_is_400_with_where_it_went_wrong()
    {
        var (response, json) = await RestJson.PostAsync(cluster.RouterHttp, "/v2/models/mnist/infer", """{"inputs": [{"name": "image", "data": [1, 2""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an inference request in JSON", RestJson.Error(json), StringComparison.Ordinal);

        (response, json) = await RestJson.PostAsync(cluster.RouterHttp, "/v2/models/mnist/infer", """{"inputs": [{"name": "image", "datatype": "UINT8", "shape": [1, 28, 28], "data": [1, "two"]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("input 'image': data element 1 is not a UINT8 value.", RestJson.Error(json));
    }

    [Fact]
    public async Task Health_readiness_and_metadata_answer_as_the_gRPC_calls_do()
    {
        Assert.Equal(HttpStatusCode.OK, (await RestJson.GetAsync(cluster.RouterHttp, "/v2/health/live")).Response.StatusCode);
        // Not ready, as ServerReady says: mnist_down has no member up (200 would be ready).
        Assert.False((await cluster.Router.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.Equal(HttpStatusCode.BadRequest, (await RestJson.GetAsync(cluster.RouterHttp, "/v2/health/ready")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RestJson.GetAsync(cluster.RouterHttp, "/v2/models/mnist/versions/1/ready")).Response.StatusCode);
        var (unknown, error) = await RestJson.GetAsync(cluster.RouterHttp, "/v2/models/nope/ready");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("'nope'", RestJson.Error(error), StringComparison.Ordinal);

        var (_, server) = await RestJson.GetAsync(cluster.RouterHttp, "/v2");
        Assert.Equal((await cluster.Router.ServerMetadataAsync(new ServerMetadataRequest())).Name, server.GetProperty("name").GetString());

        var grpc = await cluster.Router.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist" });
        var (_, metadata) = await RestJson.GetAsync(cluster.RouterHttp, "/v2/models/mnist");
        Assert.Equal(grpc.Platform, metadata.GetProperty("platform").GetString());
        Assert.Equal(grpc.Versions, metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(Describe(grpc.Inputs), Describe(metadata.GetProperty("inputs")));
        Assert.Equal(Describe(grpc.Outputs), Describe(metadata.GetProperty("outputs")));
    }

    private async Task AssertSameError(HttpStatusCode http, StatusCode code, string model, string version, string input, string datatype, byte[] pixels)
    {
        var request = InferenceCalls.Uint8(model, pixels, [1, 28, 28]);
        request.ModelVersion = version;
        request.Inputs[0].Name = input;
        request.Inputs[0].Datatype = datatype;
        var rpc = await Assert.ThrowsAsync<RpcException>(() => cluster.Router.ModelInferAsync(request).ResponseAsync);

        string path = version.Length == 0 ? $"/v2/models/{model}/infer" : $"/v2/models/{model}/versions/{version}/infer";
        var body = RestJson.Request(input, datatype, [1, 28, 28], pixels.Select(p => (JsonNode?)p));
        var (response, json) = await RestJson.PostAsync(cluster.RouterHttp, path, body);

        Assert.Equal(code, rpc.StatusCode);
        Assert.Equal(http, response.StatusCode);
        Assert.Equal(rpc.Status.Detail, RestJson.Error(json));
    }

    private static IEnumerable<string> Describe(IEnumerable<ModelMetadataResponse.Types.TensorMetadata> tensors) =>
        tensors.Select(t => $"{t.Name} {t.Datatype} [{string.Join(",", t.Shape)}]");

    private static IEnumerable<string> Describe(JsonElement tensors) =>
        tensors.EnumerateArray().Select(t =>
            $"{t.GetProperty("name").GetString()} {t.GetProperty("datatype").GetString()} [{string.Join(",", t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}]");
}
