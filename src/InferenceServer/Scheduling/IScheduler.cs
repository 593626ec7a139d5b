using EnsembleGrpc.InferenceServer.Inference;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// Queues requests of one model and runs them on its executor. Answers every request with an outcome value;
/// never throws for a request's failure.
/// </summary>
public interface IScheduler : IAsyncDisposable
{
    /// <summary>Requests waiting in the queue (not yet in a batch).</summary>
    int QueuedCount { get; }

    /// <summary>
    /// Queues the request and completes when it was run or dropped. Honours the request's deadline and
    /// cancellation while it waits: such a request is answered DEADLINE_EXCEEDED or CANCELLED and never runs.
    /// </summary>
    ValueTask<InferenceOutcome> ScheduleAsync(InferenceRequest request);

    /// <summary>
    /// Stops accepting requests (they are answered UNAVAILABLE) and completes when every queued and in-flight
    /// request was answered. When <paramref name="cancellationToken"/> fires first, requests still queued are
    /// answered UNAVAILABLE and the call returns false at once, possibly with batches still executing.
    /// </summary>
    /// <returns>True when everything was answered and no batch is executing any more.</returns>
    Task<bool> DrainAsync(CancellationToken cancellationToken);
}
