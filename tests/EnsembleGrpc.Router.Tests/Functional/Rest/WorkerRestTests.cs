using System.Net;
using System.Text.Json.Nodes;
using EnsembleGrpc.Protocol;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.Functional.Rest;

/// <summary>The worker's REST binding: the gRPC path's decoder, scheduler and errors behind HTTP/JSON.</summary>
[Collection(RestClusterCollection.Name)]
public sealed class WorkerRestTests(RestCluster cluster)
{
    private const int N = 8;

    [Fact]
    public async Task Rest_infer_gives_the_same_probabilities_as_gRPC_for_real_test_digits()
    {
        var input = cluster.TestSet.ToModelInput(0, N);
        var grpc = InferenceCalls.Probabilities(await cluster.Worker.ModelInferAsync(InferenceCalls.Fp32("mnist_cnn_1", input, N)));

        var body = RestJson.Request("input", "FP32", [N, 1, 28, 28], input.Select(v => (JsonNode?)v), id: "worker-1");
        var (response, json) = await RestJson.PostAsync(cluster.WorkerHttp, "/v2/models/mnist_cnn_1/infer", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("worker-1", json.GetProperty("id").GetString());
        Assert.Equal("mnist_cnn_1", json.GetProperty("model_name").GetString());
        var rest = RestJson.Data(json, "probabilities").Select(v => (float)v).ToArray();
        Assert.Equal(grpc, rest);
        var predicted = Enumerable.Range(0, N).Select(i => Array.IndexOf(rest, rest.Skip(i * 10).Take(10).Max(), i * 10) - (i * 10));
        Assert.True(predicted.Zip(cluster.TestSet.Labels).Count(p => p.First == p.Second) >= N - 1);
    }

    [Fact]
    public async Task Errors_take_the_documented_statuses_and_the_gRPC_messages()
    {
        var input = cluster.TestSet.ToModelInput(0, 1);
        await AssertSameError(HttpStatusCode.NotFound, StatusCode.NotFound, "nope", input, [1, 1, 28, 28]);
        await AssertSameError(HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "mnist_cnn_1", input[..100], [1, 1, 28, 28]);
        await AssertSameError(HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "mnist_cnn_1", input, [1, 28, 28]);
    }

    [Fact]
    public async Task Health_readiness_metadata_config_and_index_answer_over_HTTP()
    {
        Assert.Equal(HttpStatusCode.OK, (await RestJson.GetAsync(cluster.WorkerHttp, "/v2/health/live")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RestJson.GetAsync(cluster.WorkerHttp, "/v2/health/ready")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RestJson.GetAsync(cluster.WorkerHttp, "/v2/models/mnist_cnn_2/ready")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RestJson.GetAsync(cluster.WorkerHttp, "/v2/models/mnist_cnn_2/versions/9/ready")).Response.StatusCode);

        var (_, metadata) = await RestJson.GetAsync(cluster.WorkerHttp, "/v2/models/mnist_cnn_2");
        var input = metadata.GetProperty("inputs").EnumerateArray().Single();
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal([-1L, 1, 28, 28], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));

        var (_, config) = await RestJson.GetAsync(cluster.WorkerHttp, "/v2/models/mnist_cnn_2/config");
        Assert.Equal(64, config.GetProperty("max_batch_size").GetInt32());
        Assert.Equal("TYPE_FP32", config.GetProperty("input")[0].GetProperty("data_type").GetString());

        var (_, index) = await RestJson.PostAsync(cluster.WorkerHttp, "/v2/repository/index", "");
        Assert.Equal(["mnist_cnn_1 READY", "mnist_cnn_2 READY", "mnist_cnn_3 READY"],
            index.EnumerateArray().Select(m => $"{m.GetProperty("name").GetString()} {m.GetProperty("state").GetString()}"));
    }

    private async Task AssertSameError(HttpStatusCode http, StatusCode code, string model, float[] data, long[] shape)
    {
        var request = InferenceCalls.Fp32(model, data, 1);
        request.Inputs[0].Shape.Clear();
        request.Inputs[0].Shape.AddRange(shape);
        // Typed contents on both sides, so the messages name the same field.
        request.RawInputContents.Clear();
        request.Inputs[0].Contents = new InferTensorContents();
        request.Inputs[0].Contents.Fp32Contents.AddRange(data);
        var rpc = await Assert.ThrowsAsync<RpcException>(() => cluster.Worker.ModelInferAsync(request).ResponseAsync);

        var (response, json) = await RestJson.PostAsync(cluster.WorkerHttp, $"/v2/models/{model}/infer",
            RestJson.Request("input", "FP32", shape, data.Select(v => (JsonNode?)v)));

        Assert.Equal(code, rpc.StatusCode);
        Assert.Equal(http, response.StatusCode);
        Assert.Equal(rpc.Status.Detail, RestJson.Error(json));
    }
}
