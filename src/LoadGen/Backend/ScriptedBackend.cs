using EnsembleGrpc.LoadGen.Load;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>
/// A fake target for tests and dry runs: each call takes the latency a script gives for its send time (on the
/// injected clock) and ends with the script's outcome. With a virtual clock nothing really waits.
/// </summary>
public sealed class ScriptedBackend : IInferenceBackend
{
    private readonly LoadClock _clock;
    private readonly Func<ScriptedCall, TimeSpan> _latency;
    private readonly Func<ScriptedCall, InferOutcome> _outcome;
    private long _calls;

    public ScriptedBackend(LoadClock clock, Func<ScriptedCall, TimeSpan> latency, Func<ScriptedCall, InferOutcome>? outcome = null)
    {
        _clock = clock;
        _latency = latency;
        _outcome = outcome ?? (call => InferOutcome.Ok(call.Request.Labels));
    }

    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Statistics the fake reports; tests set them between steps.</summary>
    public ModelStatisticsSnapshot? Statistics { get; set; }

    /// <summary>What ModelMetadata answers; by default UNIMPLEMENTED (a server without the call).</summary>
    public MetadataOutcome Metadata { get; set; } = MetadataOutcome.Failed(StatusCode.Unimplemented, "ModelMetadata is not scripted");

    public ValueTask<MetadataOutcome> GetMetadataAsync(string model, string? version, CancellationToken cancellationToken) => ValueTask.FromResult(Metadata);

    public async ValueTask<InferOutcome> InferAsync(InferRequestData request, CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _calls) - 1;
        var call = new ScriptedCall(index, _clock.Elapsed, request);
        var latency = _latency(call);
        var outcome = _outcome(call); // decided at send time, like the latency
        try
        {
            await _clock.WaitUntilAsync(_clock.Now + _clock.ToTicks(latency), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return InferOutcome.Failed(StatusCode.Cancelled, "cancelled");
        }

        return outcome;
    }

    public ValueTask<IReadOnlyList<ModelStatisticsSnapshot>?> GetStatisticsAsync(string? model, string? version, CancellationToken cancellationToken)
        => ValueTask.FromResult<IReadOnlyList<ModelStatisticsSnapshot>?>(Statistics is { } s ? [s] : null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>One call seen by <see cref="ScriptedBackend"/>: its index, its send time since the clock's start, the request.</summary>
public readonly record struct ScriptedCall(long Index, TimeSpan SentAt, InferRequestData Request);
