namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>Cumulative counters of one model on one server (Triton's ModelStatistics), durations in nanoseconds.</summary>
public sealed record ModelStatisticsSnapshot
{
    public required string Source { get; init; }

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
