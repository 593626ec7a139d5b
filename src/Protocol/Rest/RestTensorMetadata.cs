namespace EnsembleGrpc.Protocol.Rest;

/// <summary>A tensor in the REST model metadata: name, datatype, shape (-1: any size).</summary>
public sealed record RestTensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);
