namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// A request waiting in the admission queue. Whoever takes it out of the queue (a freed slot, its timeout, its
/// caller's cancellation) completes it, under the gate's lock, so it is completed exactly once.
/// </summary>
internal sealed class AdmissionWaiter(long enqueuedAt)
    : TaskCompletionSource<AdmissionResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public long EnqueuedAt { get; } = enqueuedAt;

    public LinkedListNode<AdmissionWaiter>? Node { get; set; }
}
