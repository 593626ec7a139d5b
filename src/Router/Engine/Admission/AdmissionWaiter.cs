namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// A request waiting in the admission queue, for <see cref="Rows"/> rows of <see cref="Client"/>'s. Whoever takes it
/// out of the queue (freed rows, its timeout, its caller's cancellation) completes it, under the gate's lock, so it is
/// completed exactly once.
/// </summary>
internal sealed class AdmissionWaiter(long enqueuedAt, int rows, AdmissionClient client)
    : TaskCompletionSource<AdmissionResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public long EnqueuedAt { get; } = enqueuedAt;

    public int Rows { get; } = rows;

    public AdmissionClient Client { get; } = client;

    public LinkedListNode<AdmissionWaiter>? Node { get; set; }
}
