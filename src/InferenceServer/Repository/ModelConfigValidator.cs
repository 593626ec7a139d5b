namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>
/// Checks a <see cref="ModelConfig"/> against what this worker can serve, collecting every error at once so a
/// broken repository is fixed in one round rather than one message at a time.
/// </summary>
public static class ModelConfigValidator
{
    public const string OnnxPlatform = "onnxruntime_onnx";

    /// <summary>The only tensor datatype the worker serves (every model of the repository is FP32).</summary>
    public const string Fp32 = "FP32";

    public static IReadOnlyList<string> Validate(ModelConfig config, string directoryName)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(config.Name))
        {
            errors.Add("\"name\" is missing");
        }
        else if (!string.Equals(config.Name, directoryName, StringComparison.Ordinal))
        {
            errors.Add($"\"name\" is '{config.Name}' but the model's directory is '{directoryName}'");
        }

        if (!string.Equals(config.Platform, OnnxPlatform, StringComparison.Ordinal))
        {
            errors.Add($"\"platform\" is '{config.Platform}'; only '{OnnxPlatform}' is served");
        }

        if (config.MaxBatchSize < 1)
        {
            errors.Add($"\"max_batch_size\" is {config.MaxBatchSize}; it must be at least 1");
        }

        ValidateTensors(config.Inputs, "inputs", errors);
        ValidateTensors(config.Outputs, "outputs", errors);
        if (config.DynamicBatching is { } batching)
        {
            ValidateBatching(batching, config.MaxBatchSize, errors);
        }

        return errors;
    }

    private static void ValidateTensors(IReadOnlyList<TensorConfig>? tensors, string field, List<string> errors)
    {
        if (tensors is null || tensors.Count == 0)
        {
            errors.Add($"\"{field}\" is empty");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            var label = $"{field} '{tensor.Name}'";
            if (string.IsNullOrEmpty(tensor.Name))
            {
                errors.Add($"a tensor of \"{field}\" has no name");
            }
            else if (!names.Add(tensor.Name))
            {
                errors.Add($"{label} appears twice");
            }

            if (!string.Equals(tensor.Datatype, Fp32, StringComparison.Ordinal))
            {
                errors.Add($"{label} has datatype '{tensor.Datatype}'; only {Fp32} is served");
            }

            // The batch dimension comes first and is the only variable one: that is what lets the batcher
            // concatenate requests row-wise and slice outputs back by row count.
            var shape = tensor.Shape ?? [];
            if (shape.Count < 2 || shape[0] != -1)
            {
                errors.Add($"{label} has shape [{string.Join(',', shape)}]; expected the batch dimension -1 first, then at least one fixed dimension");
            }
            else if (shape.Skip(1).Any(d => d < 1))
            {
                errors.Add($"{label} has shape [{string.Join(',', shape)}]; only the first (batch) dimension may be variable");
            }
        }
    }

    private static void ValidateBatching(DynamicBatchingConfig batching, int modelMaxBatch, List<string> errors)
    {
        if (batching.MaxBatchSize is { } max && (max < 1 || max > modelMaxBatch))
        {
            errors.Add($"\"dynamic_batching.max_batch_size\" is {max}; it must be between 1 and max_batch_size {modelMaxBatch}");
        }

        if (batching.MaxQueueDelayUs is { } delay && (delay < 0 || delay > DynamicBatchingConfig.MaxQueueDelayUsLimit))
        {
            errors.Add($"\"dynamic_batching.max_queue_delay_us\" is {delay}; it must be between 0 and {DynamicBatchingConfig.MaxQueueDelayUsLimit}");
        }

        if (batching.MaxQueueSize is { } queue && queue < 1)
        {
            errors.Add($"\"dynamic_batching.max_queue_size\" is {queue}; it must be at least 1");
        }

        var limit = batching.MaxBatchSize ?? modelMaxBatch;
        foreach (var size in batching.PreferredBatchSizes ?? [])
        {
            if (size < 1 || size > limit)
            {
                errors.Add($"\"dynamic_batching.preferred_batch_sizes\" has {size}; each must be between 1 and {limit}");
            }
        }
    }
}
