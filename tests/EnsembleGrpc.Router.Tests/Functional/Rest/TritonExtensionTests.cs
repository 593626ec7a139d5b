using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Config;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.Functional.Rest;

/// <summary>
/// Triton's ModelConfig and RepositoryIndex over gRPC, what perf_analyzer and tritonclient ask first: dims without
/// the batch dimension, max_batch_size, dynamic batching, and every model READY.
/// </summary>
[Collection(RestClusterCollection.Name)]
public sealed class TritonExtensionTests(RestCluster cluster)
{
    [Fact]
    public async Task A_worker_model_config_is_its_config_json_in_Triton_terms()
    {
        var config = (await cluster.Worker.ModelConfigAsync(new ModelConfigRequest { Name = "mnist_cnn_1" })).Config;

        Assert.Equal("mnist_cnn_1", config.Name);
        Assert.Equal("onnxruntime_onnx", config.Platform);
        Assert.Equal("onnxruntime", config.Backend);
        Assert.Equal(64, config.MaxBatchSize);
        var input = Assert.Single(config.Input);
        Assert.Equal(("input", DataType.TypeFp32), (input.Name, input.DataType));
        Assert.Equal([1L, 28, 28], input.Dims);
        var output = Assert.Single(config.Output);
        Assert.Equal(("probabilities", DataType.TypeFp32), (output.Name, output.DataType));
        Assert.Equal([10L], output.Dims);
        Assert.Equal(Protocol.Config.ModelConfig.SchedulingChoiceOneofCase.DynamicBatching, config.SchedulingChoiceCase);

        var missing = await Assert.ThrowsAsync<RpcException>(() => cluster.Worker.ModelConfigAsync(new ModelConfigRequest { Name = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_virtual_model_config_has_the_ensembles_batch_size_and_two_optional_inputs()
    {
        var config = (await cluster.Router.ModelConfigAsync(new ModelConfigRequest { Name = "mnist", Version = "1" })).Config;

        Assert.Equal(("mnist", "ensemble", 32), (config.Name, config.Platform, config.MaxBatchSize));
        Assert.Equal(["input FP32 [1,28,28] optional", "image UINT8 [-1,-1,-1] optional"],
            config.Input.Select(i => $"{i.Name} {i.DataType.ToString()[4..].ToUpperInvariant()} [{string.Join(",", i.Dims)}]{(i.Optional ? " optional" : "")}"));
        Assert.Equal(["probabilities [10]", "predictions []"], config.Output.Select(o => $"{o.Name} [{string.Join(",", o.Dims)}]"));

        var missing = await Assert.ThrowsAsync<RpcException>(() => cluster.Router.ModelConfigAsync(new ModelConfigRequest { Name = "mnist", Version = "2" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_repository_index_lists_every_model_READY()
    {
        var worker = await cluster.Worker.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true });
        var router = await cluster.Router.RepositoryIndexAsync(new RepositoryIndexRequest());

        Assert.Equal(["mnist_cnn_1 1 READY", "mnist_cnn_2 1 READY", "mnist_cnn_3 1 READY"], worker.Models.Select(m => $"{m.Name} {m.Version} {m.State}"));
        Assert.Equal(["mnist 1 READY", "mnist_down 1 READY"], router.Models.Select(m => $"{m.Name} {m.Version} {m.State}"));
    }
}
