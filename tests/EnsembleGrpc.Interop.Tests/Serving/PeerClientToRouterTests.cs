using System.Text.Json;
using static EnsembleGrpc.Interop.Tests.Serving.PeerAnswers;

namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>
/// An independent gRPC implementation calls a real router (ensemble "mnist" over three real workers): readiness,
/// grpc.health.v1, ModelMetadata, ModelInfer with raw and with typed contents, and the read-only RouterAdmin calls.
/// Its answers must be ours, image for image. One subclass per peer.
/// </summary>
public abstract class PeerClientToRouterTests(ServingCluster cluster, ServingCluster.Peer peer)
{
    private string Prefix => peer == ServingCluster.Peer.Python ? "python" : "node";

    protected Task<JsonElement> AnswerAsync() => cluster.AnswerAsync(peer, ServingCluster.Target.Router);

    [Fact]
    public async Task The_router_is_live_ready_and_SERVING()
    {
        AssertServing(await AnswerAsync());
    }

    [Fact]
    public async Task ModelMetadata_describes_the_ensemble()
    {
        var metadata = (await AnswerAsync()).GetProperty("metadata");
        Assert.Equal(ServingCluster.Ensemble, metadata.GetProperty("name").GetString());
        Assert.Equal("ensemble", metadata.GetProperty("platform").GetString());
        AssertTensor(metadata.GetProperty("inputs"), "input", "FP32", [-1, 1, 28, 28]);
        AssertTensor(metadata.GetProperty("inputs"), "image", "UINT8", [-1, -1, -1, -1]);
        AssertTensor(metadata.GetProperty("outputs"), "probabilities", "FP32", [-1, 10]);
        AssertTensor(metadata.GetProperty("outputs"), "predictions", "INT64", [-1]);
    }

    [Fact]
    public async Task ModelInfer_with_raw_contents_gives_our_answers_for_real_digits()
    {
        var raw = Call(await AnswerAsync(), "raw");
        Assert.Equal(Prefix + "-raw", raw.GetProperty("id").GetString());
        Assert.Contains("probabilities", Strings(raw.GetProperty("outputs")));
        Assert.Contains("predictions", Strings(raw.GetProperty("outputs")));
        Assert.Equal([ServingCluster.Count, 10], Ints(raw.GetProperty("shape")));
        Assert.Equal(cluster.OurRouterPredictions, Ints(raw.GetProperty("predictions")));
        Assert.True(cluster.OurRouterPredictions.Zip(cluster.Labels).Count(p => p.First == p.Second) >= ServingCluster.Count - 3);
    }

    /// <summary>The protocol allows typed contents instead of raw ones: the router must answer them the same.</summary>
    [Fact]
    public async Task ModelInfer_with_typed_fp32_contents_gives_our_answers()
    {
        var typed = Call(await AnswerAsync(), "typed");
        Assert.Equal(Prefix + "-typed", typed.GetProperty("id").GetString());
        Assert.Equal([ServingCluster.Count, 10], Ints(typed.GetProperty("shape")));
        Assert.Equal(cluster.OurRouterPredictions, Ints(typed.GetProperty("predictions")));
    }

    [Fact]
    public async Task RouterAdmin_GetConfig_and_GetStatistics_answer()
    {
        var admin = (await AnswerAsync()).GetProperty("admin");
        var config = admin.GetProperty("config");
        Assert.True(config.GetProperty("version").GetInt64() >= 1);
        Assert.EndsWith("routing.json", config.GetProperty("source").GetString());
        Assert.Equal([ServingCluster.Ensemble], Strings(config.GetProperty("ensembles")));

        var statistics = Assert.Single(admin.GetProperty("statistics").EnumerateArray());
        Assert.Equal(ServingCluster.Ensemble, statistics.GetProperty("name").GetString());
        // At least the peer's own raw request (ours and the other peer's may have come before).
        Assert.True(statistics.GetProperty("requests").GetInt64() >= 1, statistics.GetRawText());
        Assert.Equal(["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"], Strings(statistics.GetProperty("members")));
    }
}
