namespace EnsembleGrpc.InferenceServer.Inference;

/// <summary>
/// One validated FP32 input of a request. <paramref name="Data"/> is row-major little-endian FP32 bytes, exactly
/// <c>Shape</c>'s element count times 4: kept as bytes so that raw protocol contents reach the batch buffer with
/// one copy and no intermediate float array.
/// </summary>
public sealed record InputTensor(string Name, long[] Shape, ReadOnlyMemory<byte> Data);
