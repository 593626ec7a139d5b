using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// What a load manager knows about one request, and all it produces: when it was meant to leave, when it left,
/// when it ended (clock timestamps), how it ended, and what the response said about itself.
/// </summary>
public readonly record struct RequestRecord
{
    /// <summary>When the schedule wanted it sent. Closed loop: equal to <see cref="Sent"/>.</summary>
    public long Intended { get; init; }

    public long Sent { get; init; }

    public long Completed { get; init; }

    public StatusCode Status { get; init; }

    /// <summary>The server's status message of a failed request (grpc-message), null on success.</summary>
    public string? Error { get; init; }

    /// <summary>Rows in the request's batch.</summary>
    public int BatchSize { get; init; }

    /// <summary>Rows whose label was known.</summary>
    public int Labeled { get; init; }

    /// <summary>Rows predicted as their label.</summary>
    public int Correct { get; init; }

    public bool Fallback { get; init; }

    /// <summary>The wait a refusing server asked for (<see cref="Backend.InferOutcome.RetryAfter"/>), else null.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public string? Strategy { get; init; }

    public string? Arm { get; init; }

    public bool IsSuccess => Status == StatusCode.OK;

    /// <summary>Latency as a user sees it: from the intended send time to completion (no coordinated omission).</summary>
    public long Latency => Completed - Intended;

    /// <summary>Time the request spent in flight: from the actual send to completion.</summary>
    public long ServiceTime => Completed - Sent;

    /// <summary>How late the send left against its schedule.</summary>
    public long SendDelay => Sent - Intended;
}
