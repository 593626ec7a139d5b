using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;
using EnsembleGrpc.Protocol;
using ProtoModelStatistics = EnsembleGrpc.Protocol.ModelStatistics;

namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>Model metadata and statistics, from engine snapshots to protocol messages.</summary>
public static class MetadataMapping
{
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
