namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Generates load and produces request records, nothing more (perf_analyzer's load managers): measurement and
/// reporting happen elsewhere.
/// </summary>
public interface ILoadManager
{
    /// <summary>What this load is, for reports: "concurrency 8", "rate 500/s (poisson)".</summary>
    string Description { get; }

    /// <summary>
    /// Sends requests into <paramref name="records"/> until <paramref name="stop"/> is cancelled, then waits for the
    /// requests in flight. <paramref name="abort"/> cancels the requests in flight too (Ctrl-C).
    /// </summary>
    Task RunAsync(RecordBuffer records, CancellationToken stop, CancellationToken abort);
}
