namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>One measurement window: how many requests completed in it, throughput and p99.</summary>
public sealed record WindowSummary(int Index, double DurationSeconds, long Requests, long Succeeded, double Throughput, double P99Ms);
