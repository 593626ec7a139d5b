using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>
/// How one request ended: the gRPC status and, on success, what the response said about itself (the router's
/// response parameters) and the predicted class of each row.
/// </summary>
public sealed record InferOutcome
{
    public static readonly InferOutcome Cancelled = Failed(StatusCode.Cancelled, "cancelled");

    public required StatusCode Status { get; init; }

    public string? Error { get; init; }

    /// <summary>The response's id (the router's request id, which feedback names); null when it has none.</summary>
    public string? RequestId { get; init; }

    /// <summary>Response parameter <c>ensemble_strategy</c>.</summary>
    public string? Strategy { get; init; }

    /// <summary>Response parameter <c>arm</c> (only when the router reveals it).</summary>
    public string? Arm { get; init; }

    /// <summary>Response parameter <c>fallback</c>.</summary>
    public bool Fallback { get; init; }

    /// <summary>Response parameter <c>fallback_reason</c>.</summary>
    public string? FallbackReason { get; init; }

    /// <summary>Response parameter <c>members_answered</c>.</summary>
    public long? MembersAnswered { get; init; }

    /// <summary>
    /// For a refusal: the wait the server asked for in gRPC's <c>grpc-retry-pushback-ms</c> trailer (the router's
    /// admission control sends it); null when it gave none.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Argmax of each output row, or null when the response held no usable scores.</summary>
    public int[]? Predictions { get; init; }

    public bool IsSuccess => Status == StatusCode.OK;

    public static InferOutcome Ok(int[]? predictions = null) => new() { Status = StatusCode.OK, Predictions = predictions };

    public static InferOutcome Failed(StatusCode status, string? error) => new() { Status = status, Error = error };
}
