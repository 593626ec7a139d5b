namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>Latency percentiles in milliseconds over the recent samples (nearest rank); <paramref name="Count"/> is cumulative.</summary>
public sealed record PageLatency(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
