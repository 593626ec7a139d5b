namespace EnsembleGrpc.Protocol.Rest;

/// <summary>The body of <c>GET /v2</c>: ServerMetadataResponse with the REST binding's field names.</summary>
public sealed record RestServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions)
{
    public static RestServerMetadata From(ServerMetadataResponse metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new RestServerMetadata(metadata.Name, metadata.Version, [.. metadata.Extensions]);
    }
}
