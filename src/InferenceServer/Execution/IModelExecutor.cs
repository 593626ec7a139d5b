namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Runs one loaded model on whole batches. Implementations must allow <c>concurrency</c> calls to
/// <see cref="Run"/> at once (ONNX Runtime's Run is thread-safe on one session).
/// </summary>
public interface IModelExecutor : IDisposable
{
    /// <summary>
    /// Runs <paramref name="batchSize"/> rows. <paramref name="inputs"/> holds one FP32 buffer per configured input,
    /// in configuration order, each exactly <c>batchSize × row elements</c> long; the buffers stay valid (and,
    /// for pooled arrays, unmoved) for the duration of the call only. Returns one array per configured output,
    /// in configuration order, each <c>batchSize × row elements</c> long, owned by the caller.
    /// </summary>
    /// <exception cref="ModelExecutionException">The runtime failed; the batch's requests are answered INTERNAL.</exception>
    float[][] Run(int batchSize, IReadOnlyList<ReadOnlyMemory<float>> inputs);
}
