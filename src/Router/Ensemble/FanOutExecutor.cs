using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// Calls every member of an arm in parallel and collects their outcomes in member order. With the ensemble's
/// <see cref="EnsembleModel.PartialAfter"/>, it stops waiting once the quorum has answered and the others are that
/// much later: they get <see cref="MemberFailureKind.Late"/>, and their calls go on in the background (a micro-batch
/// other requests share must finish) with their results dropped for this request.
/// </summary>
public sealed class FanOutExecutor(IMemberInvoker invoker, TimeProvider timeProvider)
{
    public async Task<MemberOutcome[]> ExecuteAsync(
        IReadOnlyList<MemberModel> members, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        long started = timeProvider.GetTimestamp();
        var calls = new Task<MemberOutcome>[members.Count];
        for (int i = 0; i < members.Count; i++)
        {
            calls[i] = InvokeSafelyAsync(members[i], ensemble, input, lane, cancellationToken);
        }

        if (ensemble.PartialAfter is not { } margin || ensemble.Quorum >= members.Count)
        {
            return await Task.WhenAll(calls).ConfigureAwait(false);
        }

        await WaitForQuorumAndMarginAsync(calls, ensemble.Quorum, margin, cancellationToken).ConfigureAwait(false);
        var outcomes = new MemberOutcome[calls.Length];
        for (int i = 0; i < calls.Length; i++)
        {
            outcomes[i] = calls[i].IsCompleted
                ? await calls[i].ConfigureAwait(false)
                : MemberOutcome.Failed(members[i].Name, null, MemberFailureKind.Late,
                    $"no answer within {margin.TotalMilliseconds:0} ms of the quorum's", timeProvider.GetElapsedTime(started));
        }

        return outcomes;
    }

    /// <summary>
    /// Returns when every call is done, or when <paramref name="quorum"/> of them succeeded and
    /// <paramref name="margin"/> has passed since the one that made the quorum. The wait ends with the caller's
    /// cancellation too: the invoker then answers Cancelled at once.
    /// </summary>
    private async Task WaitForQuorumAndMarginAsync(Task<MemberOutcome>[] calls, int quorum, TimeSpan margin, CancellationToken cancellationToken)
    {
        var pending = new List<Task>(calls);
        int succeeded = 0;
        while (succeeded < quorum && pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            if (((Task<MemberOutcome>)done).Result.Succeeded)
            {
                succeeded++;
            }
        }

        if (pending.Count == 0)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var late = Task.Delay(margin, timeProvider, stop.Token);
        pending.Add(late);
        while (pending.Count > 1)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            if (done == late)
            {
                return;
            }

            pending.Remove(done);
        }

        await stop.CancelAsync().ConfigureAwait(false);
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
