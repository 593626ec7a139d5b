namespace EnsembleGrpc.Router.Repository;

/// <summary>What the router needs from a model's <c>config.json</c> in the model repository.</summary>
public sealed record RepositoryModelInfo
{
    public required string Name { get; init; }

    public double? ValidationError { get; init; }

    public double? ValidationAccuracy { get; init; }

    /// <summary>For a stacking meta-model: the members in the order of its concatenated input.</summary>
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary>The model's max_batch_size: the largest batch its workers accept; null when the config has none.</summary>
    public int? MaxBatchSize { get; init; }

    public string InputName { get; init; } = "input";

    public string OutputName { get; init; } = "probabilities";

    /// <summary>model.onnx of the highest numeric version folder; null when there is none.</summary>
    public string? ModelPath { get; init; }
}
