namespace EnsembleGrpc.InferenceServer.Inference;

/// <summary>
/// A validated request, free of protocol types. Inputs are in the model's configured order and all share the
/// batch dimension <see cref="BatchSize"/>; the schedulers keep a request whole (it never splits across batches).
/// </summary>
public sealed class InferenceRequest
{
    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>The client's request id, echoed in the response (may be empty).</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>One per configured input, in configuration order.</summary>
    public required IReadOnlyList<InputTensor> Inputs { get; init; }

    /// <summary>Indices into the model's configured outputs, in the order to answer them.</summary>
    public required IReadOnlyList<int> RequestedOutputs { get; init; }

    /// <summary>Rows in this request (the first dimension of every input), at least 1.</summary>
    public required int BatchSize { get; init; }

    /// <summary>When the caller stops waiting; null when it set no deadline.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Cancelled when the caller goes away.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// True when the transport cancels <see cref="CancellationToken"/> itself once <see cref="Deadline"/> passes
    /// (grpc-dotnet's server does), so a queue needs no deadline timer of its own: one timer per request less.
    /// </summary>
    public bool DeadlineCancelsToken { get; init; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request arrived, for end-to-end statistics.</summary>
    public long ArrivalTimestamp { get; init; }
}
