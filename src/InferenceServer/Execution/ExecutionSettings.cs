namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>How the ONNX Runtime sessions of this worker are created.</summary>
public sealed record ExecutionSettings
{
    /// <summary><c>auto</c> by default: CUDA where it loads, the CPU elsewhere.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>Threads inside one Run; 1 with <c>concurrency</c> 2 was measured best on 2-core machines.</summary>
    public int IntraOpThreads { get; init; } = 1;

    public int InterOpThreads { get; init; } = 1;

    /// <summary>
    /// Spinning intra-op threads steal CPU from the gRPC server on the same cores, so the worker turns it off
    /// (<c>session.intra_op.allow_spinning=0</c>, <c>session.inter_op.allow_spinning=0</c>) unless asked otherwise.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// Bytes of pinned input/output buffers kept per model for reuse (one set per batch size and concurrent run);
    /// a set beyond it is freed after its run. 64 MiB holds every batch size up to 64 of a 28×28 model twice over.
    /// </summary>
    public long BufferCacheBytes { get; init; } = 64L * 1024 * 1024;
}
