namespace EnsembleGrpc.OnnxRuntime;

/// <summary>What <c>InferenceSession.RunInto</c> wrote: the number of floats and of shape dimensions.</summary>
public readonly record struct OutputExtent(int ElementCount, int Rank);
