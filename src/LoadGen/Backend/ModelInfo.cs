namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>A model as the server's ModelMetadata describes it: its versions, inputs and outputs.</summary>
public sealed record ModelInfo(string Name, IReadOnlyList<string> Versions, IReadOnlyList<TensorInfo> Inputs, IReadOnlyList<TensorInfo> Outputs);
