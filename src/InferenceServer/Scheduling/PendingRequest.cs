using EnsembleGrpc.InferenceServer.Inference;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// A request while it waits in a queue. Exactly one party decides its fate: the scheduler taking it into a
/// batch, or its deadline timer / cancellation / shutdown dropping it. A compare-and-swap on <see cref="_state"/>
/// settles the race, so a dropped request never runs and a taken one is always answered by its batch.
/// </summary>
internal sealed class PendingRequest
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Dropped = 2;

    private readonly TaskCompletionSource<InferenceOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private ITimer? _deadlineTimer;
    private CancellationTokenRegistration _cancellation;
    private TimeProvider? _time;
    private Action<PendingRequest, InferenceError>? _drop;

    public PendingRequest(InferenceRequest request, long enqueuedTimestamp)
    {
        Request = request;
        EnqueuedTimestamp = enqueuedTimestamp;
    }

    public InferenceRequest Request { get; }

    public long EnqueuedTimestamp { get; }

    public int Rows => Request.BatchSize;

    public bool IsDropped => Volatile.Read(ref _state) == Dropped;

    public Task<InferenceOutcome> Completion => _completion.Task;

    /// <summary>
    /// Arms the deadline timer and the cancellation callback; either drops the request if it is still queued. No
    /// timer when the transport cancels the token at the deadline itself (<see cref="InferenceRequest.DeadlineCancelsToken"/>).
    /// The callbacks get this request as their state (fields, not a boxed tuple): nothing is allocated for them.
    /// </summary>
    public void Watch(TimeProvider time, Action<PendingRequest, InferenceError> drop)
    {
        _time = time;
        _drop = drop;
        var token = Request.CancellationToken;
        if (Request.Deadline is { } deadline && !(Request.DeadlineCancelsToken && token.CanBeCanceled))
        {
            var due = deadline - time.GetUtcNow();
            _deadlineTimer = time.CreateTimer(
                static state => ((PendingRequest)state!).OnDeadline(),
                this,
                due > TimeSpan.Zero ? due : TimeSpan.Zero,
                Timeout.InfiniteTimeSpan);
        }

        if (token.CanBeCanceled)
        {
            _cancellation = token.UnsafeRegister(static state => ((PendingRequest)state!).OnCancelled(), this);
        }
    }

    /// <summary>Claims the request for a batch; false when it was dropped first.</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Queued) != Queued)
        {
            return false;
        }

        StopWatching();
        return true;
    }

    /// <summary>Answers the request with <paramref name="error"/> if it is still queued; false when it was taken or dropped already.</summary>
    public bool TryDrop(InferenceError error)
    {
        if (Interlocked.CompareExchange(ref _state, Dropped, Queued) != Queued)
        {
            return false;
        }

        StopWatching();
        _completion.TrySetResult(error);
        return true;
    }

    /// <summary>Answers a taken request.</summary>
    public void Complete(InferenceOutcome outcome) => _completion.TrySetResult(outcome);

    public static InferenceError DeadlineError(InferenceRequest request)
        => InferenceError.DeadlineExceeded($"Deadline exceeded while request for model '{request.ModelName}' waited in the queue; it was not run");

    public static InferenceError CancelledError(InferenceRequest request)
        => InferenceError.Cancelled($"Request for model '{request.ModelName}' was cancelled while queued; it was not run");

    private void OnDeadline() => _drop!(this, DeadlineError(Request));

    // Our gRPC server cancels a call's token when its deadline passes too: answer that as a deadline.
    private void OnCancelled()
        => _drop!(this, Request.Deadline <= _time!.GetUtcNow() ? DeadlineError(Request) : CancelledError(Request));

    private void StopWatching()
    {
        _deadlineTimer?.Dispose();

        // Unregister does not wait for a running callback (Dispose would, and could deadlock when a callback is
        // the caller); a callback that runs late finds the state settled and does nothing.
        _cancellation.Unregister();
    }
}
