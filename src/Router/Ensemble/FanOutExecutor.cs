using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>Calls every member of an arm in parallel and collects their outcomes in member order.</summary>
public sealed class FanOutExecutor(IMemberInvoker invoker, TimeProvider timeProvider)
{
    public async Task<MemberOutcome[]> ExecuteAsync(
        IReadOnlyList<MemberModel> members, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        var calls = new Task<MemberOutcome>[members.Count];
        for (int i = 0; i < members.Count; i++)
        {
            calls[i] = InvokeSafelyAsync(members[i], ensemble, input, lane, cancellationToken);
        }

        return await Task.WhenAll(calls).ConfigureAwait(false);
    }

    // The invoker promises not to throw; this guard keeps that promise even for a buggy invoker, because one
    // exception escaping Task.WhenAll would lose every other member's outcome.
    private async Task<MemberOutcome> InvokeSafelyAsync(
        MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        long started = timeProvider.GetTimestamp();
        try
        {
            return await invoker.InvokeAsync(member, ensemble, input, lane, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return MemberOutcome.Failed(member.Name, null, MemberFailureKind.Cancelled, "the caller cancelled", timeProvider.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            return MemberOutcome.Failed(member.Name, null, MemberFailureKind.WorkerError, $"internal error ({ex.GetType().Name})", timeProvider.GetElapsedTime(started));
        }
    }
}
