using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Workers;

/// <summary>
/// What one call to a worker produced, as a value: the member's [N × classes] probabilities, or a failure kind with a
/// message. Nothing of the transport (status codes, exceptions) leaves the <see cref="IWorkerClient"/>; the message
/// carries the worker's words for the logs and, for a rejection, for the client.
/// </summary>
public sealed record WorkerReply
{
    public float[]? Probabilities { get; init; }

    public MemberFailureKind Failure { get; init; }

    public string? Error { get; init; }

    /// <summary>No connection could be made (refused, reset, name not resolved): the worker was never reached.</summary>
    public bool Unreachable { get; init; }

    public bool Succeeded => Failure == MemberFailureKind.None && Probabilities is not null;

    public static WorkerReply Answered(float[] probabilities) => new() { Probabilities = probabilities };

    public static WorkerReply Failed(MemberFailureKind kind, string error, bool unreachable = false) =>
        new() { Failure = kind, Error = error, Unreachable = unreachable };
}
