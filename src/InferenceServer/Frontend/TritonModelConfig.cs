using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Config;

namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>
/// A served model as Triton's ModelConfig and RepositoryIndex extensions describe it (what perf_analyzer and
/// tritonclient ask for first). Triton's rule for dims: without the batch dimension when max_batch_size is above 0,
/// while our config.json shapes keep it as -1.
/// </summary>
public static class TritonModelConfig
{
    public const string Backend = "onnxruntime";

    public static Protocol.Config.ModelConfig For(ModelDefinition model, BatchingPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(model);
        var source = model.Config;
        var config = new Protocol.Config.ModelConfig { Name = model.Name, Platform = source.Platform, Backend = Backend, MaxBatchSize = source.MaxBatchSize };
        foreach (var tensor in source.Inputs)
        {
            var input = new ModelInput { Name = tensor.Name, DataType = DataTypeOf(tensor.Datatype) };
            input.Dims.Add(Dims(tensor, source.MaxBatchSize));
            config.Input.Add(input);
        }

        foreach (var tensor in source.Outputs)
        {
            var output = new ModelOutput { Name = tensor.Name, DataType = DataTypeOf(tensor.Datatype) };
            output.Dims.Add(Dims(tensor, source.MaxBatchSize));
            config.Output.Add(output);
        }

        // The direct scheduler (--scheduler direct) runs each request alone: no dynamic batching to report.
        if (policy is { Kind: SchedulerKind.Dynamic })
        {
            var batching = new ModelDynamicBatching { MaxQueueDelayMicroseconds = (ulong)(policy.MaxQueueDelay.Ticks / TimeSpan.TicksPerMicrosecond) };
            batching.PreferredBatchSize.Add(policy.PreferredBatchSizes);
            config.DynamicBatching = batching;
        }

        return config;
    }

    /// <summary>Every model of the worker with Triton's state word (READY, LOADING, UNAVAILABLE, UNLOADING) and why it is not ready.</summary>
    public static RepositoryIndexResponse Index(IEnumerable<ModelState> models, bool readyOnly)
    {
        ArgumentNullException.ThrowIfNull(models);
        var index = new RepositoryIndexResponse();
        foreach (var model in models.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (readyOnly && !model.IsReady)
            {
                continue;
            }

            index.Models.Add(new RepositoryIndexResponse.Types.ModelIndex
            {
                Name = model.Name,
                Version = model.Definition?.Version ?? "",
                State = model.ReadyState.ToString().ToUpperInvariant(),
                Reason = model.IsReady ? "" : model.Reason,
            });
        }

        return index;
    }

    /// <summary>Triton's enum for a protocol datatype: TYPE_ + the name, TYPE_STRING for BYTES.</summary>
    public static DataType DataTypeOf(string datatype) => datatype switch
    {
        "BOOL" => DataType.TypeBool,
        "UINT8" => DataType.TypeUint8,
        "UINT16" => DataType.TypeUint16,
        "UINT32" => DataType.TypeUint32,
        "UINT64" => DataType.TypeUint64,
        "INT8" => DataType.TypeInt8,
        "INT16" => DataType.TypeInt16,
        "INT32" => DataType.TypeInt32,
        "INT64" => DataType.TypeInt64,
        "FP16" => DataType.TypeFp16,
        "FP32" => DataType.TypeFp32,
        "FP64" => DataType.TypeFp64,
        "BYTES" => DataType.TypeString,
        "BF16" => DataType.TypeBf16,
        _ => DataType.TypeInvalid,
    };

    private static IEnumerable<long> Dims(TensorConfig tensor, int maxBatchSize) =>
        maxBatchSize > 0 && tensor.Shape.Count > 0 ? tensor.Shape.Skip(1) : tensor.Shape;
}
