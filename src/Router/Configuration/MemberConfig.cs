using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>One member model of an ensemble and the worker endpoints (replicas) that serve it.</summary>
public sealed record MemberConfig
{
    /// <summary>The member's name in this file (arms, weights and responses refer to it), e.g. <c>mnist_cnn_1</c>.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The model's name on the workers; default <see cref="Name"/>. Two members may serve the same model from different
    /// endpoints or versions (e.g. a candidate version for a shadow arm).
    /// </summary>
    public string? Model { get; init; }

    /// <summary>Model version to ask the workers for; default empty (the worker's choice).</summary>
    public string? Version { get; init; }

    /// <summary>Worker addresses, e.g. <c>http://127.0.0.1:8001</c>; more than one means replicas.</summary>
    public IReadOnlyList<string>? Endpoints { get; init; }

    /// <summary>Validation error in (0, 1); default: <c>training.validation_error</c> of the member's repository config.</summary>
    public double? ValidationError { get; init; }

    /// <summary>Validation accuracy in [0, 1]; default: <c>training.validation_accuracy</c> of the member's repository config.</summary>
    public double? ValidationAccuracy { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
