namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>One static file of the page, held in memory: its bytes, content type and entity tag.</summary>
public sealed record PageAsset(string Name, ReadOnlyMemory<byte> Content, string ContentType, string ETag);
