namespace EnsembleGrpc.InferenceServer.Inference;

/// <summary>
/// One output of a request: its rows of the batch's output, as a slice of the batch's array (no copy). The
/// datatype is FP32, the only one this worker serves.
/// </summary>
public sealed record OutputTensor(string Name, long[] Shape, ReadOnlyMemory<float> Data);
