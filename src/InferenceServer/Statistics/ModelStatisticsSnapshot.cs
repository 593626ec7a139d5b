namespace EnsembleGrpc.InferenceServer.Statistics;

/// <summary>
/// Cumulative statistics of one model version, with Triton's meaning: <see cref="InferenceCount"/> counts rows
/// (inferences), <see cref="ExecutionCount"/> model executions (batches), so batching shows as execution &lt;
/// inference. Success, fail and queue count requests; the compute durations count requests too, each request
/// adding its whole batch's duration; <see cref="Batches"/> counts executions per batch size.
/// </summary>
public sealed record ModelStatisticsSnapshot(
    string Name,
    string Version,
    ulong LastInferenceMs,
    ulong InferenceCount,
    ulong ExecutionCount,
    DurationStatistic Success,
    DurationStatistic Fail,
    DurationStatistic Queue,
    DurationStatistic ComputeInput,
    DurationStatistic ComputeInfer,
    DurationStatistic ComputeOutput,
    IReadOnlyList<BatchStatisticsSnapshot> Batches);
