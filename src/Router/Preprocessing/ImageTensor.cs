namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// The one input tensor of a request, lifted out of the protocol message by the front end: either raw little-endian
/// bytes or typed contents (FP32 values; UINT8 values carried as uint32 as the protocol does, or as bytes).
/// </summary>
public sealed record ImageTensor
{
    /// <summary>The input's name, for messages; empty when unknown.</summary>
    public string Name { get; init; } = "";

    public required string Datatype { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>Raw contents; null when the request used typed contents.</summary>
    public ReadOnlyMemory<byte>? Raw { get; init; }

    public IReadOnlyList<float>? Fp32Contents { get; init; }

    public IReadOnlyList<uint>? UintContents { get; init; }

    /// <summary>UINT8 pixels as bytes_contents: the entries concatenated are the pixels.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? BytesContents { get; init; }

    /// <summary>Typed contents of a type no input takes (int, int64, uint64, fp64, bool) were given.</summary>
    public bool OtherContents { get; init; }
}
