namespace TransportBench.Measurement;

/// <summary>A server process's own counters: bytes allocated (all threads), Echo calls handled, process CPU time.</summary>
internal readonly record struct ServerStats(long Allocated, long Calls, double CpuMs);
