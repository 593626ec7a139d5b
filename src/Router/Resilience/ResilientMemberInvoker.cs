using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Resilience.Ejection;
using EnsembleGrpc.Router.Workers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// Calls a member: picks a replica, runs the call through that endpoint's pipeline (breaker around a timeout) with
/// outcomes as values (<see cref="ResiliencePipeline{T}.ExecuteOutcomeAsync"/>), and turns the outcome into a
/// <see cref="MemberOutcome"/>.
/// </summary>
public sealed class ResilientMemberInvoker(IWorkerClient client, EndpointRegistry registry, Random random, TimeProvider timeProvider, OutlierDetector? outliers = null) : IMemberInvoker
{
    public async Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        var endpoint = PickReplica(member, new EndpointSettings(ensemble.Timeout, ensemble.Breaker, lane));
        var gate = outliers?.Enter(endpoint) ?? EjectionGate.Open;
        if (gate == EjectionGate.Ejected && member.Endpoints.Count == 1)
        {
            // The member's only endpoint is out: the ensemble goes on without it at once rather than waiting on it.
            endpoint.RecordFailure(MemberFailureKind.Ejected.ToKey());
            return MemberOutcome.Failed(member.Name, endpoint.Address, MemberFailureKind.Ejected, $"{endpoint.Address}: ejected as an outlier", TimeSpan.Zero);
        }

        long started = timeProvider.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        endpoint.Enter();
        Outcome<WorkerReply> outcome;
        bool slow = false;
        try
        {
            var call = endpoint.Pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    var reply = await state.Client.InferAsync(state.Address, state.Member, state.Input, state.Timeout, ctx.CancellationToken).ConfigureAwait(false);
                    // Our own cancellation (the timeout's or the caller's) as an exception: Polly's timeout strategy
                    // recognises its own and turns it into TimeoutRejectedException; the caller's is the caller's.
                    return reply.Failure == MemberFailureKind.Cancelled
                        ? Outcome.FromException<WorkerReply>(new OperationCanceledException(reply.Error, ctx.CancellationToken))
                        : Outcome.FromResult(reply);
                },
                context,
                (Client: client, endpoint.Address, Member: member, Input: input, ensemble.Timeout)).AsTask();
            slow = await WatchSlowCallAsync(call, endpoint, member, ensemble, gate, input.BatchSize).ConfigureAwait(false);
            outcome = await call.ConfigureAwait(false);
        }
        finally
        {
            endpoint.Exit();
            ResilienceContextPool.Shared.Return(context);
        }

        var latency = timeProvider.GetElapsedTime(started);
        var (kind, message, probabilities) = Classify(outcome, cancellationToken, ensemble.Timeout);
        if (kind == MemberFailureKind.None)
        {
            endpoint.RecordSuccess();
            outliers?.OnSuccess(endpoint, member, ensemble, latency, gate, slow, input.BatchSize);
            return MemberOutcome.Success(member.Name, endpoint.Address, probabilities!, latency);
        }

        if (kind != MemberFailureKind.Cancelled)
        {
            // Counted by kind for the statistics; only the breaker decides (WorkerFailures) what is the worker's fault.
            endpoint.RecordFailure(kind.ToKey());
        }

        if (WorkerFailures.IsWorkerFault(kind) && (!slow || gate == EjectionGate.Probe))
        {
            // A slow call was counted when it became slow; its timeout later is the same failure (a probe's counts
            // once either way: only while the probe is out).
            outliers?.OnFailure(endpoint, member, ensemble, gate, kind.ToKey(), slow: kind == MemberFailureKind.Timeout);
        }
        else if (!WorkerFailures.IsWorkerFault(kind))
        {
            outliers?.OnInconclusive(endpoint, gate);
        }

        // A rejection goes back to the client, so it carries the worker's words but not its address.
        return MemberOutcome.Failed(member.Name, endpoint.Address, kind, kind.IsCallerBlamed() ? message : $"{endpoint.Address}: {message}", latency);
    }

    /// <summary>
    /// Waits for the call up to the outlier detector's slow-call threshold (a few times its member's p90 per row × the
    /// call's <paramref name="rows"/>, at least the floor); a call still running then counts towards ejection at once,
    /// which takes a stalled worker out within about the floor (100 ms by default) instead of after its timeouts. The
    /// call itself goes on: its answer, if it comes, is still used.
    /// </summary>
    private async Task<bool> WatchSlowCallAsync(Task<Outcome<WorkerReply>> call, EndpointState endpoint, MemberModel member, EnsembleModel ensemble, EjectionGate gate, int rows)
    {
        if (outliers is null || call.IsCompleted || outliers.SlowCallThreshold(ensemble, member, endpoint, rows) is not { } threshold)
        {
            return false;
        }

        using var stop = new CancellationTokenSource();
        var delay = Task.Delay(threshold, timeProvider, stop.Token);
        if (await Task.WhenAny(call, delay).ConfigureAwait(false) == call)
        {
            // Cancel, not CancelAsync: the only callback is the delay's (it stops its timer), cheap to run here, while
            // CancelAsync would queue it as one more thread-pool work item for every member call.
            stop.Cancel();
            return false;
        }

        outliers.OnSlowCall(endpoint, member, ensemble, gate, threshold);
        return true;
    }

    /// <summary>
    /// What the pipeline's outcome means. The caller's cancellation (or its deadline) comes first: it never counts
    /// against the worker. Polly's timeout is a timeout; an open breaker is <see cref="MemberFailureKind.BreakerOpen"/>;
    /// a reply is what the worker client classified (<see cref="WorkerCallFailures"/>).
    /// </summary>
    internal static (MemberFailureKind Kind, string Message, float[]? Probabilities) Classify(Outcome<WorkerReply> outcome, CancellationToken callerToken, TimeSpan timeout) => outcome switch
    {
        _ when callerToken.IsCancellationRequested => (MemberFailureKind.Cancelled, "the caller cancelled or its deadline passed", null),
        { Exception: TimeoutRejectedException } => (MemberFailureKind.Timeout, $"no answer within {timeout.TotalMilliseconds:0} ms", null),
        { Exception: BrokenCircuitException } => (MemberFailureKind.BreakerOpen, "circuit breaker is open", null),
        { Exception: OperationCanceledException } => (MemberFailureKind.WorkerError, "the call was cancelled", null),
        { Exception: { } other } => (MemberFailureKind.WorkerError, $"call failed ({other.GetType().Name})", null),
        { Result: { Succeeded: true } reply } => (MemberFailureKind.None, "", reply.Probabilities),
        { Result: { } reply } => (reply.Failure, reply.Error ?? reply.Failure.ToKey(), null),
        _ => (MemberFailureKind.WorkerError, "no reply", null),
    };

    private EndpointState PickReplica(MemberModel member, EndpointSettings settings)
    {
        if (member.Endpoints.Count == 1)
        {
            return registry.Get(member.Endpoints[0], settings);
        }

        var replicas = new EndpointState[member.Endpoints.Count];
        for (int i = 0; i < replicas.Length; i++)
        {
            replicas[i] = registry.Get(member.Endpoints[i], settings);
        }

        return ReplicaBalancer.Pick(replicas, random);
    }
}
