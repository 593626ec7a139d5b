using System.Text.Json;

namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>
/// <c>models/&lt;name&gt;/config.json</c> as written by the training pipeline: immutable input, checked by
/// <see cref="ModelConfigValidator"/> before anything is loaded. JSON names are snake_case.
/// </summary>
public sealed record ModelConfig
{
    public string Name { get; init; } = string.Empty;

    /// <summary>Identifies the trained artefact (e.g. a content hash); logged when the model starts serving.</summary>
    public string? ModelId { get; init; }

    /// <summary>Only <c>onnxruntime_onnx</c> is served.</summary>
    public string Platform { get; init; } = string.Empty;

    /// <summary>The largest batch (first dimension) a single request or execution may have.</summary>
    public int MaxBatchSize { get; init; }

    public IReadOnlyList<TensorConfig> Inputs { get; init; } = [];

    public IReadOnlyList<TensorConfig> Outputs { get; init; } = [];

    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The member models a stacker was trained on (informative; the worker does not call them).</summary>
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary>Optional; when absent the batcher uses <see cref="DynamicBatchingConfig"/>'s documented defaults.</summary>
    public DynamicBatchingConfig? DynamicBatching { get; init; }

    /// <summary>Training provenance and accuracy; kept verbatim, the worker does not interpret it.</summary>
    public JsonElement? Training { get; init; }
}
