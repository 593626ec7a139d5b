namespace EnsembleGrpc.LoadGen.Inputs;

/// <summary>One prepared input batch: FP32 tensor bytes with its shape, and the labels of its rows when known.</summary>
public sealed record InputSample(long[] Shape, ReadOnlyMemory<byte> Tensor, int[]? Labels);
