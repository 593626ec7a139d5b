using EnsembleGrpc.Router.Ensemble;
using Grpc.Core;
using Polly;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>Which outcomes count against a worker's health, and what a worker's status code blames.</summary>
public static class WorkerFailures
{
    /// <summary>
    /// True for timeouts and worker errors; false for success, for anything that happened after the caller cancelled
    /// or its deadline passed (the caller's impatience says nothing about the worker, as YARP's passive health
    /// checks), and for statuses in which the worker answered that the request was at fault or that it is busy
    /// (<see cref="Rejection"/>): six oversized requests must not open the breakers of healthy workers. At the
    /// breaker, which sits outside the timeout, the context's token is the caller's token.
    /// </summary>
    public static bool IsWorkerFailure<T>(Outcome<T> outcome, CancellationToken callerToken) =>
        outcome.Exception is { } exception
        && !callerToken.IsCancellationRequested
        && !(exception is RpcException rpc && Rejection(rpc.StatusCode) is not null);

    /// <summary>
    /// The failure kind of a status in which the worker answered deliberately about the request rather than failed:
    /// INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE and FAILED_PRECONDITION blame the request (see
    /// <see cref="MemberFailureKindExtensions.IsCallerBlamed"/>), RESOURCE_EXHAUSTED is a full queue (busy, not
    /// broken). Null for every other status, which is the worker's failure.
    /// </summary>
    public static MemberFailureKind? Rejection(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => MemberFailureKind.RejectedInvalid,
        StatusCode.NotFound => MemberFailureKind.RejectedNotFound,
        StatusCode.OutOfRange => MemberFailureKind.RejectedOutOfRange,
        StatusCode.FailedPrecondition => MemberFailureKind.RejectedPrecondition,
        StatusCode.ResourceExhausted => MemberFailureKind.Overloaded,
        _ => null,
    };
}
