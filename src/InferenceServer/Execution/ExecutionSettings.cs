namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>How the ONNX Runtime sessions of this worker are created.</summary>
public sealed record ExecutionSettings
{
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    /// <summary>Threads inside one Run; 1 with <c>concurrency</c> 2 was measured best on 2-core machines.</summary>
    public int IntraOpThreads { get; init; } = 1;

    public int InterOpThreads { get; init; } = 1;

    /// <summary>
    /// Spinning intra-op threads steal CPU from the gRPC server on the same cores, so the worker turns it off
    /// (<c>session.intra_op.allow_spinning=0</c>) unless asked otherwise.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>An ONNX Runtime library to load instead of the default (e.g. a CUDA-enabled build).</summary>
    public string? OrtLibraryPath { get; init; }
}
