using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;
using EnsembleGrpc.Protocol;
using ProtoModelStatistics = EnsembleGrpc.Protocol.ModelStatistics;

namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>Model metadata and statistics, from engine snapshots to protocol messages.</summary>
public static class MetadataMapping
{
    /// <summary>
    /// Trailing metadata of a ModelMetadata response: where the model runs (<c>cpu</c> or <c>cuda:N</c>). The
    /// protocol's ModelMetadataResponse has no field for it and its <c>platform</c> must stay
    /// <c>onnxruntime_onnx</c> for Triton clients, so it travels beside the message: any gRPC client can read it
    /// (grpcurl -v, python's <c>with_call</c>, <c>call.GetTrailers()</c>) and those that do not ask ignore it.
    /// </summary>
    public const string ExecutionProviderKey = "ensemblegrpc-execution-provider";

    /// <summary>Adds <see cref="ExecutionProviderKey"/> once the model has an executor (it is loaded).</summary>
    internal static void AddExecutionProvider(Grpc.Core.Metadata trailers, IModelExecutor? executor)
    {
        if (executor is not null)
        {
            trailers.Add(ExecutionProviderKey, executor.ExecutionProvider);
        }
    }

    public static ModelMetadataResponse ToMetadata(ModelDefinition model)
    {
        var response = new ModelMetadataResponse { Name = model.Name, Platform = model.Config.Platform };
        response.Versions.Add(model.ServedVersions);
        response.Inputs.Add(model.Config.Inputs.Select(ToTensorMetadata));
        response.Outputs.Add(model.Config.Outputs.Select(ToTensorMetadata));
        return response;
    }

    public static ProtoModelStatistics ToStatistics(ModelStatisticsSnapshot snapshot)
    {
        var statistics = new ProtoModelStatistics
        {
            Name = snapshot.Name,
            Version = snapshot.Version,
            LastInference = snapshot.LastInferenceMs,
            InferenceCount = snapshot.InferenceCount,
            ExecutionCount = snapshot.ExecutionCount,
            InferenceStats = new InferStatistics
            {
                Success = ToDuration(snapshot.Success),
                Fail = ToDuration(snapshot.Fail),
                Queue = ToDuration(snapshot.Queue),
                ComputeInput = ToDuration(snapshot.ComputeInput),
                ComputeInfer = ToDuration(snapshot.ComputeInfer),
                ComputeOutput = ToDuration(snapshot.ComputeOutput),
            },
        };
        statistics.BatchStats.Add(snapshot.Batches.Select(b => new InferBatchStatistics
        {
            BatchSize = (ulong)b.BatchSize,
            ComputeInput = ToDuration(b.ComputeInput),
            ComputeInfer = ToDuration(b.ComputeInfer),
            ComputeOutput = ToDuration(b.ComputeOutput),
        }));
        return statistics;
    }

    private static ModelMetadataResponse.Types.TensorMetadata ToTensorMetadata(TensorConfig tensor)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.Datatype };
        metadata.Shape.Add(tensor.Shape);
        return metadata;
    }

    private static StatisticDuration ToDuration(DurationStatistic duration) => new() { Count = duration.Count, Ns = duration.Ns };
}
