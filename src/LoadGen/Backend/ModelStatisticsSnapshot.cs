namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>Cumulative counters of one model on one server (Triton's ModelStatistics), durations in nanoseconds.</summary>
public sealed record ModelStatisticsSnapshot
{
    /// <summary>The server's address.</summary>
    public required string Source { get; init; }

    /// <summary>The model the counters are of (every version of it summed).</summary>
    public string Model { get; init; } = string.Empty;

    public ulong InferenceCount { get; init; }

    public ulong ExecutionCount { get; init; }

    public ulong SuccessCount { get; init; }

    public ulong SuccessNs { get; init; }

    public ulong FailCount { get; init; }

    public ulong QueueNs { get; init; }

    public ulong ComputeInputNs { get; init; }

    public ulong ComputeInferNs { get; init; }

    public ulong ComputeOutputNs { get; init; }
}
