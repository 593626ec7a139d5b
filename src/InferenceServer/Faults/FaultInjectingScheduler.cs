using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Scheduling;

namespace EnsembleGrpc.InferenceServer.Faults;

/// <summary>
/// Wraps a model's scheduler to misbehave on purpose, in this order: hang (never answer until the caller gives
/// up), added latency, then an injected failure with the configured probability. All waits are asynchronous and
/// use the injected <see cref="TimeProvider"/>; a drain answers requests still held here with UNAVAILABLE.
/// </summary>
internal sealed class FaultInjectingScheduler : IScheduler
{
    private readonly IScheduler _inner;
    private readonly FaultPlan _plan;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly CancellationTokenSource _shutdown = new();

    public FaultInjectingScheduler(IScheduler inner, FaultPlan plan, TimeProvider time)
    {
        _inner = inner;
        _plan = plan;
        _time = time;
        _random = plan.Seed is { } seed ? new Random(seed) : Random.Shared;
    }

    public int QueuedCount => _inner.QueuedCount;

    public async ValueTask<InferenceOutcome> ScheduleAsync(InferenceRequest request)
    {
        var wait = _plan.Hang ? Timeout.InfiniteTimeSpan : _plan.Latency;
        if (wait != TimeSpan.Zero && await WaitAsync(request, wait).ConfigureAwait(false) is { } interrupted)
        {
            return interrupted;
        }

        if (_plan.FailureRate > 0 && NextDouble() < _plan.FailureRate)
        {
            return new InferenceError(_plan.FailureCode, $"Model '{request.ModelName}': injected fault");
        }

        return await _inner.ScheduleAsync(request).ConfigureAwait(false);
    }

    public Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        _shutdown.Cancel();
        return _inner.DrainAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _shutdown.Cancel();
        await _inner.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    /// <summary>Waits <paramref name="delay"/>; an error when the caller, its deadline or a shutdown cut it short.</summary>
    private async Task<InferenceError?> WaitAsync(InferenceRequest request, TimeSpan delay)
    {
        // The deadline cancels a token of its own: a timer may fire a little before the wall clock reaches the
        // deadline, so "which token fired" decides the status, not a comparison with the clock alone.
        using var expired = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(request.CancellationToken, _shutdown.Token, expired.Token);
        using var deadlineTimer = request.Deadline is { } deadline
            ? _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), expired, Max(deadline - _time.GetUtcNow(), TimeSpan.Zero), Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            await Task.Delay(delay, _time, stop.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            // Outcome as a value: why the wait ended decides the status.
            if (_shutdown.IsCancellationRequested)
            {
                return InferenceError.Unavailable($"Model '{request.ModelName}' is unloading");
            }

            return expired.IsCancellationRequested || request.Deadline <= _time.GetUtcNow()
                ? InferenceError.DeadlineExceeded($"Deadline exceeded for model '{request.ModelName}' (injected latency or hang)")
                : InferenceError.Cancelled($"Request for model '{request.ModelName}' was cancelled");
        }
    }

    private double NextDouble()
    {
        lock (_randomLock)
        {
            return _random.NextDouble();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
