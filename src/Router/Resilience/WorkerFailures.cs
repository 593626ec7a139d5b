using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Workers;
using Polly;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>Which outcomes of a worker call count against the worker's health.</summary>
public static class WorkerFailures
{
    /// <summary>
    /// True for timeouts (ours: Polly's, or the deadline we sent), worker errors and invalid outputs; false for
    /// success, for anything that happened after the caller cancelled or its deadline passed (the caller's
    /// impatience says nothing about the worker, as YARP's passive health checks), and for rejections, in which the
    /// worker answered that the request was at fault or that it is busy: six oversized requests must not open the
    /// breakers of healthy workers. At the breaker, which sits outside the timeout, the context's token is the
    /// caller's token.
    /// </summary>
    public static bool IsWorkerFailure(Outcome<WorkerReply> outcome, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return false;
        }

        return outcome.Exception is not null || (outcome.Result is { } reply && IsWorkerFault(reply.Failure));
    }

    /// <summary>The kinds that say something about the worker's health.</summary>
    public static bool IsWorkerFault(MemberFailureKind kind) =>
        kind is MemberFailureKind.Timeout or MemberFailureKind.WorkerError or MemberFailureKind.InvalidOutput;
}
