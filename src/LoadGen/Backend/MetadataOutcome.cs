using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>How a ModelMetadata call ended: the model's metadata, or the status and the server's message.</summary>
public sealed record MetadataOutcome
{
    public required StatusCode Status { get; init; }

    public string? Error { get; init; }

    public ModelInfo? Model { get; init; }

    public static MetadataOutcome Found(ModelInfo model) => new() { Status = StatusCode.OK, Model = model };

    public static MetadataOutcome Failed(StatusCode status, string? error) => new() { Status = status, Error = error };
}
