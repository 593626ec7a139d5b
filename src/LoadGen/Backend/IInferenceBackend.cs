namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>
/// How LoadGen talks to a target: one inference request at a time, and the server's cumulative statistics.
/// Implementations never throw for a failed call: the outcome carries the status (perf_analyzer's client backend,
/// Polly's outcome values). Timing is not the backend's business: the load managers read the injected clock.
/// </summary>
public interface IInferenceBackend : IAsyncDisposable
{
    /// <summary>Sends one request and returns how it ended. Cancellation ends the call with CANCELLED.</summary>
    ValueTask<InferOutcome> InferAsync(InferRequestData request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the server's cumulative statistics (Triton's ModelStatistics extension) of one model, or of every model
    /// it reports when <paramref name="model"/> is null or empty (one snapshot per model name, versions summed); null
    /// when the server does not offer them (UNIMPLEMENTED), does not know the model, or could not be reached.
    /// </summary>
    /// <summary>Reads the model's metadata (its inputs and outputs); NOT_FOUND when the server has no such model.</summary>
    ValueTask<MetadataOutcome> GetMetadataAsync(string model, string? version, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<ModelStatisticsSnapshot>?> GetStatisticsAsync(string? model, string? version, CancellationToken cancellationToken);
}
