using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
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
public sealed class ResilientMemberInvoker(IWorkerClient client, EndpointRegistry registry, Random random, TimeProvider timeProvider) : IMemberInvoker
{
    public async Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        var endpoint = PickReplica(member, new EndpointSettings(ensemble.Timeout, ensemble.Breaker, lane));
        long started = timeProvider.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        endpoint.Enter();
        Outcome<WorkerReply> outcome;
        try
        {
            outcome = await endpoint.Pipeline.ExecuteOutcomeAsync(
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
                (Client: client, endpoint.Address, Member: member, Input: input, ensemble.Timeout)).ConfigureAwait(false);
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
            return MemberOutcome.Success(member.Name, endpoint.Address, probabilities!, latency);
        }

        if (kind != MemberFailureKind.Cancelled)
        {
            // Counted by kind for the statistics; only the breaker decides (WorkerFailures) what is the worker's fault.
            endpoint.RecordFailure(kind.ToKey());
        }

        // A rejection goes back to the client, so it carries the worker's words but not its address.
        return MemberOutcome.Failed(member.Name, endpoint.Address, kind, kind.IsCallerBlamed() ? message : $"{endpoint.Address}: {message}", latency);
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
