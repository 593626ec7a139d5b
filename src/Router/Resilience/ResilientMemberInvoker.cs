using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Polly;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// Calls a member: picks a replica, runs the call through that endpoint's pipeline with outcomes as values
/// (<see cref="ResiliencePipeline{T}.ExecuteOutcomeAsync"/>), and classifies the outcome.
/// </summary>
public sealed class ResilientMemberInvoker(IWorkerClient client, EndpointRegistry registry, Random random, TimeProvider timeProvider) : IMemberInvoker
{
    public async Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CancellationToken cancellationToken)
    {
        var settings = new EndpointSettings(ensemble.Timeout, ensemble.Breaker);
        var replicas = new EndpointState[member.Endpoints.Count];
        for (int i = 0; i < replicas.Length; i++)
        {
            replicas[i] = registry.Get(member.Endpoints[i], settings);
        }

        var endpoint = ReplicaBalancer.Pick(replicas, random);
        long started = timeProvider.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        endpoint.Enter();
        Outcome<float[]> outcome;
        try
        {
            outcome = await endpoint.Pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Client.InferAsync(state.Address, state.Member, state.Input, state.Timeout, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (RpcException ex) when (ctx.CancellationToken.IsCancellationRequested)
                    {
                        // The transport may report our own cancellation (the timeout's or the caller's) as CANCELLED;
                        // as an OperationCanceledException it is recognised as a timeout by Polly and as the caller's by us.
                        return Outcome.FromException<float[]>(new OperationCanceledException(ex.Status.Detail, ex, ctx.CancellationToken));
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
                    {
                        // The only deadline the worker call carries is ours (timeout + slack; the caller's is not
                        // propagated), so DEADLINE_EXCEEDED, whether our client's deadline timer fired before Polly's
                        // timeout did (timers race under load or cold JIT) or the worker answered it, is our timeout.
                        return Outcome.FromException<float[]>(new TimeoutRejectedException($"{ex.StatusCode}: {ex.Status.Detail}", state.Timeout, ex));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<float[]>(ex);
                    }
                },
                context,
                (Client: client, Address: endpoint.Address, Member: member, Input: input, Timeout: ensemble.Timeout)).ConfigureAwait(false);
        }
        finally
        {
            endpoint.Exit();
            ResilienceContextPool.Shared.Return(context);
        }

        var latency = timeProvider.GetElapsedTime(started);
        if (outcome.Exception is null)
        {
            endpoint.RecordSuccess();
            return MemberOutcome.Success(member.Name, endpoint.Address, outcome.Result!, latency);
        }

        var (kind, message) = Classify(outcome.Exception, cancellationToken, ensemble.Timeout);
        if (kind != MemberFailureKind.Cancelled)
        {
            // Counted by kind for the statistics; only the breaker decides (WorkerFailures) what is the worker's fault.
            endpoint.RecordFailure(kind.ToKey());
        }

        // A rejection goes back to the client, so it carries the worker's words but not its address.
        return MemberOutcome.Failed(member.Name, endpoint.Address, kind, kind.IsCallerBlamed() ? message : $"{endpoint.Address}: {message}", latency);
    }

    /// <summary>
    /// Why a call failed. The caller's cancellation (or its deadline) comes first: it never counts against the worker.
    /// Our own timeout, whether Polly's or a DEADLINE_EXCEEDED of the deadline we sent, is always a timeout. A status
    /// in which the worker blamed the request or said it is busy is a rejection (<see cref="WorkerFailures.Rejection"/>).
    /// </summary>
    internal static (MemberFailureKind Kind, string Message) Classify(Exception exception, CancellationToken callerToken, TimeSpan timeout) => exception switch
    {
        _ when callerToken.IsCancellationRequested => (MemberFailureKind.Cancelled, "the caller cancelled or its deadline passed"),
        TimeoutRejectedException => (MemberFailureKind.Timeout, $"no answer within {timeout.TotalMilliseconds:0} ms"),
        RpcException { StatusCode: StatusCode.DeadlineExceeded } => (MemberFailureKind.Timeout, $"no answer within {timeout.TotalMilliseconds:0} ms"),
        BrokenCircuitException => (MemberFailureKind.BreakerOpen, "circuit breaker is open"),
        RpcException rpc when WorkerFailures.Rejection(rpc.StatusCode) is not null => (WorkerFailures.Rejection(rpc.StatusCode)!.Value, $"{rpc.StatusCode}: {rpc.Status.Detail}"),
        RpcException rpc => (MemberFailureKind.WorkerError, $"{rpc.StatusCode}: {rpc.Status.Detail}"),
        InvalidDataException invalid => (MemberFailureKind.InvalidOutput, invalid.Message),
        OperationCanceledException => (MemberFailureKind.WorkerError, "the call was cancelled"),
        _ => (MemberFailureKind.WorkerError, $"call failed ({exception.GetType().Name})"),
    };
}
