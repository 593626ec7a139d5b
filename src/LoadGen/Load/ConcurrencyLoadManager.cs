namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Closed loop: <c>concurrency</c> workers, each sending its next request as soon as the previous one ended.
/// Latency here is service time only: a slow server slows the senders down (coordinated omission), which is why
/// the open loop exists. With <c>obeyPushback</c>, a worker whose request was refused with a retry pushback waits
/// that long first, as a gRPC client with a retry policy does (gRFC A6); without it, it sends again at once, the
/// hardest case for a server's admission control.
/// </summary>
internal sealed class ConcurrencyLoadManager(RequestExecutor executor, int concurrency, bool obeyPushback = false) : ILoadManager
{
    public string Description => obeyPushback ? $"concurrency {concurrency}, obeying retry pushback" : $"concurrency {concurrency}";

    public int Concurrency => concurrency;

    public Task RunAsync(RecordBuffer records, CancellationToken stop, CancellationToken abort)
    {
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = WorkerAsync(records, stop, abort);
        }

        return Task.WhenAll(workers);
    }

    private async Task WorkerAsync(RecordBuffer records, CancellationToken stop, CancellationToken abort)
    {
        var clock = executor.Clock;
        while (!stop.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            records.CountSend();
            var pending = executor.ExecuteAsync(clock.Now, abort);
            var synchronous = pending.IsCompleted;
            var record = await pending.ConfigureAwait(false);
            records.Add(record);
            if (obeyPushback && record.RetryAfter is { } wait && !await WaitAsync(clock, wait, stop).ConfigureAwait(false))
            {
                return;
            }

            if (synchronous)
            {
                // A backend that answers synchronously (an immediate local failure) must not pin this thread.
                await Task.Yield();
            }
        }
    }

    /// <summary>Waits out a pushback; false when the step ended meanwhile.</summary>
    private static async Task<bool> WaitAsync(LoadClock clock, TimeSpan wait, CancellationToken stop)
    {
        try
        {
            await clock.WaitUntilAsync(clock.Now + clock.ToTicks(wait), stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
