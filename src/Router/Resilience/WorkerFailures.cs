using Polly;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>Which outcomes count against a worker's health.</summary>
public static class WorkerFailures
{
    /// <summary>
    /// True for timeouts and worker errors; false for success and for anything that happened after the caller
    /// cancelled or its deadline passed: the caller's impatience says nothing about the worker (as YARP's passive
    /// health checks). At the breaker, which sits outside the timeout, the context's token is the caller's token.
    /// </summary>
    public static bool IsWorkerFailure<T>(Outcome<T> outcome, CancellationToken callerToken) =>
        outcome.Exception is not null && !callerToken.IsCancellationRequested;
}
