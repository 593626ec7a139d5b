namespace EnsembleGrpc.InferenceServer.Statistics;

/// <summary>A count and the cumulative duration in nanoseconds (the protocol's StatisticDuration).</summary>
public readonly record struct DurationStatistic(ulong Count, ulong Ns);
