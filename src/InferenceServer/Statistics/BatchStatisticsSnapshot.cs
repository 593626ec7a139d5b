namespace EnsembleGrpc.InferenceServer.Statistics;

/// <summary>Executions of one batch size (rows per execution) and their compute durations.</summary>
public sealed record BatchStatisticsSnapshot(
    int BatchSize,
    DurationStatistic ComputeInput,
    DurationStatistic ComputeInfer,
    DurationStatistic ComputeOutput);
