using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Inputs;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Load;

/// <summary>Sends one request through the backend and turns its outcome into a <see cref="RequestRecord"/>.</summary>
internal sealed class RequestExecutor(IInferenceBackend backend, RequestFactory requests, LoadClock clock)
{
    private long _sequence = -1;

    public LoadClock Clock => clock;

    /// <summary>Sends the next request now; <paramref name="intended"/> is when the schedule wanted it sent.</summary>
    public ValueTask<RequestRecord> ExecuteAsync(long intended, CancellationToken cancellationToken)
    {
        var request = requests.Create(Interlocked.Increment(ref _sequence));
        var sent = clock.Now;
        ValueTask<InferOutcome> pending;
        try
        {
            pending = backend.InferAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ValueTask.FromResult(ToRecord(request, intended, sent, InferOutcome.Failed(StatusCode.Unknown, ex.Message)));
        }

        if (pending.IsCompletedSuccessfully)
        {
            return ValueTask.FromResult(ToRecord(request, intended, sent, pending.Result));
        }

        return AwaitAsync(pending, request, intended, sent);
    }

    private async ValueTask<RequestRecord> AwaitAsync(ValueTask<InferOutcome> pending, InferRequestData request, long intended, long sent)
    {
        InferOutcome outcome;
        try
        {
            outcome = await pending.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            outcome = InferOutcome.Cancelled;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            outcome = InferOutcome.Failed(StatusCode.Unknown, ex.Message);
        }

        return ToRecord(request, intended, sent, outcome);
    }

    private RequestRecord ToRecord(InferRequestData request, long intended, long sent, InferOutcome outcome)
    {
        var completed = clock.Now;
        var labeled = 0;
        var correct = 0;
        if (outcome.IsSuccess && request.Labels is { } labels)
        {
            labeled = labels.Length;
            if (outcome.Predictions is { } predictions)
            {
                for (var i = 0; i < Math.Min(labels.Length, predictions.Length); i++)
                {
                    if (labels[i] == predictions[i])
                    {
                        correct++;
                    }
                }
            }
        }

        return new RequestRecord
        {
            Intended = intended,
            Sent = sent,
            Completed = completed,
            Status = outcome.Status,
            Error = outcome.IsSuccess ? null : outcome.Error,
            BatchSize = request.BatchSize,
            Labeled = labeled,
            Correct = correct,
            Fallback = outcome.Fallback,
            RetryAfter = outcome.RetryAfter,
            Strategy = outcome.Strategy,
            Arm = outcome.Arm,
        };
    }
}
