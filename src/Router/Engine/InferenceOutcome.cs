using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Engine;

/// <summary>
/// What the engine made of a request: an answer (<see cref="Result"/> answered, <see cref="Error"/> None) or a
/// <see cref="RouterError"/> with a message safe for clients (no endpoints, no transport text).
/// </summary>
public sealed record InferenceOutcome
{
    public RouterError Error { get; init; }

    public string? Message { get; init; }

    /// <summary>For <see cref="RouterError.Rejected"/>: the member's reason (invalid argument, not found, ...).</summary>
    public MemberFailureKind RejectedAs { get; init; }

    /// <summary>For a request the router refused under overload: how long the caller should wait before it retries.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The ensemble, once resolved.</summary>
    public EnsembleModel? Ensemble { get; init; }

    public ArmModel? Arm { get; init; }

    /// <summary>The request id, the client's or the one made for it.</summary>
    public string? RequestId { get; init; }

    public EnsembleResult? Result { get; init; }

    public int BatchSize { get; init; }

    /// <summary>TimeProvider timestamps of the steps, for the statistics.</summary>
    public long InputReady { get; init; }

    public long FanOutStart { get; init; }

    public long Aggregated { get; init; }

    public bool Answered => Error == RouterError.None && Result is { Kind: EnsembleResultKind.Answered };

    public static InferenceOutcome Failed(RouterError error, string message, EnsembleModel? ensemble = null) =>
        new() { Error = error, Message = message, Ensemble = ensemble };
}
