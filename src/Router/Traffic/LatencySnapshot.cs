namespace EnsembleGrpc.Router.Traffic;

/// <summary>Latency percentiles in milliseconds over the recent samples; <see cref="Count"/> is cumulative.</summary>
public sealed record LatencySnapshot(long Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs);
