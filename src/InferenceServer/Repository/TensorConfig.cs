namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>One configured input or output. The shape includes the batch dimension first, as -1.</summary>
public sealed record TensorConfig
{
    public string Name { get; init; } = string.Empty;

    public string Datatype { get; init; } = string.Empty;

    public IReadOnlyList<long> Shape { get; init; } = [];
}
