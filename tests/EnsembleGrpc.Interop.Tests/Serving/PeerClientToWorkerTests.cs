using System.Text.Json;
using static EnsembleGrpc.Interop.Tests.Serving.PeerAnswers;

namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>
/// An independent gRPC implementation calls a real worker serving mnist_cnn_1: readiness, grpc.health.v1, ModelMetadata,
/// and ModelInfer with raw and with typed contents. Its answers must be ours, image for image. One subclass per peer.
/// </summary>
public abstract class PeerClientToWorkerTests(ServingCluster cluster, ServingCluster.Peer peer)
{
    private string Prefix => peer == ServingCluster.Peer.Python ? "python" : "node";

    private Task<JsonElement> AnswerAsync() => cluster.AnswerAsync(peer, ServingCluster.Target.Worker);

    [Fact]
    public async Task The_worker_is_live_ready_and_SERVING()
    {
        AssertServing(await AnswerAsync());
    }

    [Fact]
    public async Task ModelMetadata_describes_the_model()
    {
        var metadata = (await AnswerAsync()).GetProperty("metadata");
        Assert.Equal(ServingCluster.WorkerModel, metadata.GetProperty("name").GetString());
        Assert.Equal("onnxruntime_onnx", metadata.GetProperty("platform").GetString());
        AssertTensor(metadata.GetProperty("inputs"), "input", "FP32", [-1, 1, 28, 28]);
        AssertTensor(metadata.GetProperty("outputs"), "probabilities", "FP32", [-1, 10]);
    }

    [Fact]
    public async Task ModelInfer_with_raw_contents_gives_our_answers_for_real_digits()
    {
        var raw = Call(await AnswerAsync(), "raw");
        Assert.Equal(Prefix + "-raw", raw.GetProperty("id").GetString());
        Assert.Equal([ServingCluster.Count, 10], Ints(raw.GetProperty("shape")));
        Assert.Equal(0, raw.GetProperty("typed_contents_in_reply").GetInt32());
        Assert.Equal(cluster.OurWorkerPredictions, Ints(raw.GetProperty("predictions")));
        // And the answers are the model's: nearly all of these real digits are classified right.
        Assert.True(cluster.OurWorkerPredictions.Zip(cluster.Labels).Count(p => p.First == p.Second) >= ServingCluster.Count - 3);
    }

    [Fact]
    public async Task ModelInfer_with_typed_fp32_contents_gives_our_answers()
    {
        var typed = Call(await AnswerAsync(), "typed");
        Assert.Equal(Prefix + "-typed", typed.GetProperty("id").GetString());
        Assert.Equal([ServingCluster.Count, 10], Ints(typed.GetProperty("shape")));
        Assert.Equal(0, typed.GetProperty("raw_contents_in_reply").GetInt32());
        Assert.Equal(cluster.OurWorkerPredictions, Ints(typed.GetProperty("predictions")));
    }
}
