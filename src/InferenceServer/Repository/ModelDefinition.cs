namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>
/// An immutable snapshot of one model as found in the repository: its validated configuration and the version
/// this worker serves (the highest numbered version directory holding a model.onnx, Triton's "latest 1" policy).
/// </summary>
public sealed record ModelDefinition(ModelConfig Config, string Version, string ModelPath)
{
    public string Name => Config.Name;

    /// <summary>The versions served; one today (latest), a list so the protocol's metadata stays honest.</summary>
    public IReadOnlyList<string> ServedVersions { get; } = [Version];

    /// <summary>
    /// Indices of every configured output in order: what a request that names no outputs gets. Built once and
    /// shared by such requests, so it must never be written to.
    /// </summary>
    public int[] AllOutputs { get; } = [.. Enumerable.Range(0, Config.Outputs.Count)];

    /// <summary>Elements in one row of a tensor: the product of its fixed (non-batch) dimensions.</summary>
    public static int RowElements(TensorConfig tensor)
    {
        long count = 1;
        for (var i = 1; i < tensor.Shape.Count; i++)
        {
            count *= tensor.Shape[i];
        }

        return checked((int)count);
    }
}
