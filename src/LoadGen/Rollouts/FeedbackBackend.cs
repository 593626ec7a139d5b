using System.Threading.Channels;
using EnsembleGrpc.LoadGen.Backend;

namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// Feedback mode: an inference backend that passes every request through and, for each answered request with
/// labels, queues a SubmitFeedback of its true labels under the response's request id. The feedback calls run on
/// their own senders, off the request's path, so the latency LoadGen measures is the inference call alone.
/// </summary>
public sealed class FeedbackBackend : IInferenceBackend
{
    private readonly IInferenceBackend _inner;
    private readonly IRolloutAdmin _admin;
    private readonly Channel<(string Id, int[] Labels)> _queue = Channel.CreateUnbounded<(string, int[])>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _senders;
    private long _submitted;
    private long _accepted;
    private long _failed;
    private long _withoutId;

    /// <param name="senders">Feedback calls in flight at most.</param>
    public FeedbackBackend(IInferenceBackend inner, IRolloutAdmin admin, int senders = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(senders, 1);
        _inner = inner;
        _admin = admin;
        _senders = [.. Enumerable.Range(0, senders).Select(_ => Task.Run(SendAsync))];
    }

    public FeedbackTally Tally => new()
    {
        Submitted = Interlocked.Read(ref _submitted),
        Accepted = Interlocked.Read(ref _accepted),
        Failed = Interlocked.Read(ref _failed),
        WithoutId = Interlocked.Read(ref _withoutId),
    };

    public async ValueTask<InferOutcome> InferAsync(InferRequestData request, CancellationToken cancellationToken)
    {
        var outcome = await _inner.InferAsync(request, cancellationToken).ConfigureAwait(false);
        if (outcome.IsSuccess && request.Labels is { } labels)
        {
            if (outcome.RequestId is { } id)
            {
                Interlocked.Increment(ref _submitted);
                _queue.Writer.TryWrite((id, labels));
            }
            else
            {
                Interlocked.Increment(ref _withoutId);
            }
        }

        return outcome;
    }

    public ValueTask<MetadataOutcome> GetMetadataAsync(string model, string? version, CancellationToken cancellationToken)
        => _inner.GetMetadataAsync(model, version, cancellationToken);

    public ValueTask<IReadOnlyList<ModelStatisticsSnapshot>?> GetStatisticsAsync(string? model, string? version, CancellationToken cancellationToken)
        => _inner.GetStatisticsAsync(model, version, cancellationToken);

    /// <summary>
    /// Stops taking feedback and waits (bounded) for what is queued to be sent; false when the limit came first (the
    /// tally then shows submitted above accepted plus failed).
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan limit)
    {
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_senders).WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Stops the senders; the inner backend belongs to the caller.</summary>
    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private async Task SendAsync()
    {
        await foreach (var (id, labels) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var result = await _admin.SubmitFeedbackAsync(id, labels, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref result.Accepted ? ref _accepted : ref _failed);
        }
    }
}
