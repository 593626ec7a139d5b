using EnsembleGrpc.InferenceServer.Frontend;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Grpc.Core;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

public sealed class MetadataTests : IClassFixture<MnistWorkerFixture>
{
    private readonly MnistWorkerFixture _fixture;

    public MetadataTests(MnistWorkerFixture fixture) => _fixture = fixture;

    private GRPCInferenceService.GRPCInferenceServiceClient Client => _fixture.Worker.Client;

    [Fact]
    public async Task Server_is_live_ready_and_describes_itself()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        var metadata = await Client.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal(InferenceService.ServerName, metadata.Name);
        Assert.False(string.IsNullOrEmpty(metadata.Version));
        Assert.Equal(["statistics"], metadata.Extensions);
    }

    [Fact]
    public async Task Model_readiness_is_per_model_and_version()
    {
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist_cnn_2" })).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist_cnn_2", Version = "1" })).Ready);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.ModelReadyAsync(new ModelReadyRequest { Name = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var version = await Assert.ThrowsAsync<RpcException>(() => Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist_cnn_2", Version = "2" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
    }

    [Fact]
    public async Task Model_metadata_has_variable_batch_dimensions()
    {
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist_stacker" });
        Assert.Equal("mnist_stacker", metadata.Name);
        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        Assert.Equal(["1"], metadata.Versions);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal(("member_probabilities", "FP32"), (input.Name, input.Datatype));
        Assert.Equal([-1L, 30L], input.Shape);
        Assert.Equal([-1L, 10L], Assert.Single(metadata.Outputs).Shape);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Statistics_cover_every_model_or_the_one_named()
    {
        await Client.ModelInferAsync(Tensors.Raw("mnist_cnn_3", "input", _fixture.Split.Slice(0, 2), 2, 1, 28, 28));
        var all = await Client.ModelStatisticsAsync(new ModelStatisticsRequest());
        Assert.Equal(MnistWorkerFixture.AllModels, all.ModelStats.Select(s => s.Name));

        var one = Assert.Single((await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist_cnn_3" })).ModelStats);
        Assert.Equal("1", one.Version);
        Assert.True(one.InferenceCount >= 2);
        Assert.True(one.ExecutionCount >= 1);
        Assert.True(one.InferenceStats.Success.Count >= 1);
        Assert.True(one.InferenceStats.ComputeInfer.Ns > 0);
        Assert.True(one.LastInference > 0);
        Assert.Contains(one.BatchStats, b => b.BatchSize == 2 && b.ComputeInfer.Count >= 1);
    }
}
