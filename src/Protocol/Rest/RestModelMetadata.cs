namespace EnsembleGrpc.Protocol.Rest;

/// <summary>The body of <c>GET /v2/models/{name}</c>: ModelMetadataResponse with the REST binding's field names.</summary>
public sealed record RestModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<RestTensorMetadata> Inputs,
    IReadOnlyList<RestTensorMetadata> Outputs)
{
    public static RestModelMetadata From(ModelMetadataResponse metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new RestModelMetadata(
            metadata.Name,
            [.. metadata.Versions],
            metadata.Platform,
            [.. metadata.Inputs.Select(Tensor)],
            [.. metadata.Outputs.Select(Tensor)]);
    }

    private static RestTensorMetadata Tensor(ModelMetadataResponse.Types.TensorMetadata tensor) =>
        new(tensor.Name, tensor.Datatype, [.. tensor.Shape]);
}
