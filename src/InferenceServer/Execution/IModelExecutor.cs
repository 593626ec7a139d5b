namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Runs one loaded model on whole batches. Implementations must allow <c>concurrency</c> calls to
/// <see cref="Run"/> at once (ONNX Runtime's Run is thread-safe on one session).
/// </summary>
public interface IModelExecutor : IDisposable
{
    /// <summary>
    /// Where the model runs, in <c>--device</c> syntax: <c>cpu</c> or <c>cuda:N</c> (with <c>--device auto</c>, what
    /// it resolved to). Clients read it from ModelMetadata's trailing metadata (see <c>MetadataMapping</c>).
    /// </summary>
    string ExecutionProvider => "cpu";

    /// <summary>
    /// Runs <paramref name="batchSize"/> rows. <paramref name="inputs"/> holds one FP32 buffer per configured input,
    /// in configuration order, each exactly <c>batchSize × row elements</c> long; the buffers stay valid (and,
    /// for pooled arrays, unmoved) for the duration of the call only. Returns one array per configured output,
    /// in configuration order, each <c>batchSize × row elements</c> long, owned by the caller.
    /// </summary>
    /// <exception cref="ModelExecutionException">The runtime failed; the batch's requests are answered INTERNAL.</exception>
    /// <exception cref="ArgumentException">The inputs do not match the model's configuration (a caller's bug).</exception>
    float[][] Run(int batchSize, IReadOnlyList<ReadOnlyMemory<float>> inputs);
}
