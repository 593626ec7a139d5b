using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble.Batching;

/// <summary>
/// The calls of one <see cref="BatchKey"/>: at most <c>slots</c> worker calls in flight; requests beyond that wait
/// here and leave together, up to the batch limit in rows, as soon as a call returns (the returning call's slot takes
/// the next batch at once). A request that finds a free slot and nobody waiting is sent alone, on its caller's token,
/// without any queueing. A batch is sent on no caller's token (its callers may leave; the others still want the
/// answer) and bounded by the member timeout like every call.
/// </summary>
internal sealed class MemberBatchQueue(IMemberInvoker inner, BatchKey key, int slots, int maxQueuedRows, Func<bool>? yieldTo, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly Queue<PendingCall> _waiting = new();
    private int _inFlight;
    private int _waitingRows;

    /// <summary>Requests waiting for a slot; the shadow's queue yields while the primary's is above zero.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                // Requests whose callers left stay queued until the next batch drops them: they wait for nothing.
                int waiting = 0;
                foreach (var call in _waiting)
                {
                    waiting += call.IsCompleted ? 0 : 1;
                }

                return waiting;
            }
        }
    }

    public async Task<MemberOutcome> InvokeAsync(PendingCall call)
    {
        bool sendNow;
        if (yieldTo?.Invoke() == true)
        {
            // Lower priority: while primary requests for the member wait, its shadow copies are not sent at all.
            return Shed(call);
        }

        lock (_gate)
        {
            sendNow = _inFlight < slots && _waiting.Count == 0;
            if (sendNow)
            {
                _inFlight++;
            }
            else if (_waitingRows + call.Input.BatchSize > maxQueuedRows)
            {
                return Shed(call);
            }
            else
            {
                _waiting.Enqueue(call);
                _waitingRows += call.Input.BatchSize;
            }
        }

        if (sendNow)
        {
            try
            {
                return await inner.InvokeAsync(call.Member, call.Ensemble, call.Input, key.Lane, call.CancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ReleaseSlot();
            }
        }

        using var registration = call.CancellationToken.Register(static state =>
        {
            var waiting = (PendingCall)state!;
            waiting.TryComplete(MemberOutcome.Failed(waiting.Member.Name, null, MemberFailureKind.Cancelled, "the caller cancelled", TimeSpan.Zero));
        }, call);
        return await call.Task.ConfigureAwait(false);
    }

    /// <summary>A call returned: its slot takes the next batch, or is freed when nobody waits.</summary>
    private void ReleaseSlot()
    {
        List<PendingCall>? batch;
        lock (_gate)
        {
            batch = TakeBatch();
            if (batch is null)
            {
                _inFlight--;
                return;
            }
        }

        _ = RunBatchAsync(batch);
    }

    /// <summary>Waiting requests in arrival order up to the batch limit in rows; null when none is left. Under the lock.</summary>
    private List<PendingCall>? TakeBatch()
    {
        List<PendingCall>? batch = null;
        int rows = 0;
        while (_waiting.TryPeek(out var next))
        {
            if (next.IsCompleted)
            {
                // Its caller left while it waited.
                _waiting.Dequeue();
                _waitingRows -= next.Input.BatchSize;
                continue;
            }

            if (batch is not null && rows + next.Input.BatchSize > key.MaxRows)
            {
                break;
            }

            _waiting.Dequeue();
            _waitingRows -= next.Input.BatchSize;
            rows += next.Input.BatchSize;
            (batch ??= []).Add(next);
        }

        return batch;
    }

    private async Task RunBatchAsync(List<PendingCall> batch)
    {
        try
        {
            if (batch.Count == 1)
            {
                var only = batch[0];
                only.TryComplete(await inner.InvokeAsync(only.Member, only.Ensemble, only.Input, key.Lane, only.CancellationToken).ConfigureAwait(false));
                return;
            }

            var first = batch[0];
            var input = BatchInput.Concatenate(batch);
            var outcome = await inner.InvokeAsync(first.Member, first.Ensemble, input, key.Lane, CancellationToken.None).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                // The worker answered, so it read the whole message: nothing reads the buffer any more. After a
                // failure (a timeout, say) the transport may still be writing it out, so it is left to the GC.
                BatchInput.Return(input);
            }

            if (outcome.Failure.IsCallerBlamed())
            {
                // One request of the batch is at fault, but which? Each is sent alone, so only that one is rejected.
                await Task.WhenAll(batch.Select(RunAloneAsync)).ConfigureAwait(false);
                return;
            }

            BatchInput.Distribute(batch, outcome);
        }
        catch (Exception ex)
        {
            // The invoker promises not to throw; should it, no waiting request may hang.
            foreach (var call in batch)
            {
                call.TryComplete(MemberOutcome.Failed(call.Member.Name, null, MemberFailureKind.WorkerError, $"internal error ({ex.GetType().Name})", TimeSpan.Zero));
            }
        }
        finally
        {
            ReleaseSlot();
        }
    }

    private async Task RunAloneAsync(PendingCall call) =>
        call.TryComplete(await inner.InvokeAsync(call.Member, call.Ensemble, call.Input, key.Lane, call.CancellationToken).ConfigureAwait(false));

    private MemberOutcome Shed(PendingCall call) =>
        MemberOutcome.Failed(call.Member.Name, null, MemberFailureKind.Shed, "shed: the primary path is busy or the shadow's queue is full", timeProvider.GetElapsedTime(call.Enqueued));
}
