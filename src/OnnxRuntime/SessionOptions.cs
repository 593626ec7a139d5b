namespace EnsembleGrpc.OnnxRuntime;

/// <summary>How one <see cref="InferenceSession"/> runs. Immutable; the native options are built from it when the session is created.</summary>
public sealed record SessionOptions
{
    /// <summary>Threads for parallelism inside an operator; 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads for running graph branches in parallel (only used with <see cref="ExecutionMode.Parallel"/>); 0 lets ORT choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>
    /// Whether idle pool threads spin waiting for work (<c>session.intra_op.allow_spinning</c> /
    /// <c>session.inter_op.allow_spinning</c>). Spinning lowers latency but steals CPU from the rest of the process,
    /// e.g. the gRPC server on the same cores.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.Sequential;

    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>CUDA device ordinal, used with <see cref="ExecutionProvider.Cuda"/>.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>Every problem with these options (empty when valid), so all are reported at once.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (IntraOpThreads < 0)
        {
            errors.Add($"{nameof(IntraOpThreads)} must be 0 (ORT's choice) or positive; got {IntraOpThreads}.");
        }

        if (InterOpThreads < 0)
        {
            errors.Add($"{nameof(InterOpThreads)} must be 0 (ORT's choice) or positive; got {InterOpThreads}.");
        }

        if (CudaDeviceId < 0)
        {
            errors.Add($"{nameof(CudaDeviceId)} must be 0 or positive; got {CudaDeviceId}.");
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            errors.Add($"{nameof(GraphOptimizationLevel)} {(int)GraphOptimizationLevel} is not a known level.");
        }

        if (!Enum.IsDefined(ExecutionMode))
        {
            errors.Add($"{nameof(ExecutionMode)} {(int)ExecutionMode} is not a known mode.");
        }

        if (!Enum.IsDefined(ExecutionProvider))
        {
            errors.Add($"{nameof(ExecutionProvider)} {(int)ExecutionProvider} is not a known provider.");
        }

        return errors;
    }
}
