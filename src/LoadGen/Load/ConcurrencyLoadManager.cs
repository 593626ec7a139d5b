namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Closed loop: <c>concurrency</c> workers, each sending its next request as soon as the previous one ended.
/// Latency here is service time only: a slow server slows the senders down (coordinated omission), which is why
/// the open loop exists.
/// </summary>
internal sealed class ConcurrencyLoadManager(RequestExecutor executor, int concurrency) : ILoadManager
{
    public string Description => $"concurrency {concurrency}";

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
        while (!stop.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            records.CountSend();
            var pending = executor.ExecuteAsync(executor.Clock.Now, abort);
            var synchronous = pending.IsCompleted;
            records.Add(await pending.ConfigureAwait(false));
            if (synchronous)
            {
                // A backend that answers synchronously (an immediate local failure) must not pin this thread.
                await Task.Yield();
            }
        }
    }
}
