namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// The one input tensor of a request, lifted out of the protocol message by the front end: either raw little-endian
/// bytes or typed contents (FP32 values, or UINT8 values carried as uint32 as the protocol does).
/// </summary>
public sealed record ImageTensor
{
    public required string Datatype { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>Raw contents; null when the request used typed contents.</summary>
    public ReadOnlyMemory<byte>? Raw { get; init; }

    public IReadOnlyList<float>? Fp32Contents { get; init; }

    public IReadOnlyList<uint>? UintContents { get; init; }
}
