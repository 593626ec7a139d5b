namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Open loop: sends leave on a schedule (constant or Poisson) whatever the server does, and each record keeps its
/// intended send time, so a stall shows up in the latency of every request that should have left during it
/// (no coordinated omission). When the sender itself falls behind (a full outstanding cap, a busy machine) the
/// send leaves late; that is recorded, never hidden.
/// </summary>
internal sealed class RateLoadManager(RequestExecutor executor, ArrivalSchedule schedule, int maxOutstanding) : ILoadManager
{
    private readonly object _gate = new();
    private int _outstanding;
    private TaskCompletionSource? _slotFreed;
    private TaskCompletionSource? _drained;

    public string Description => $"rate {schedule.Rate:0.##}/s ({schedule.Name})";

    public double Rate => schedule.Rate;

    public async Task RunAsync(RecordBuffer records, CancellationToken stop, CancellationToken abort)
    {
        var clock = executor.Clock;
        var start = clock.Now;
        var offset = 0.0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var intended = start + (long)Math.Round(offset * clock.Frequency);
                offset += schedule.NextInterval();
                await clock.WaitUntilAsync(intended, stop).ConfigureAwait(false);
                await WaitForSlotAsync(stop).ConfigureAwait(false);
                _ = SendAsync(records, intended, abort);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        Task drained;
        lock (_gate)
        {
            if (_outstanding == 0)
            {
                return;
            }

            _drained = new TaskCompletionSource();
            drained = _drained.Task;
        }

        await drained.ConfigureAwait(false);
    }

    private async Task SendAsync(RecordBuffer records, long intended, CancellationToken abort)
    {
        var record = await executor.ExecuteAsync(intended, abort).ConfigureAwait(false);
        records.Add(record);
        TaskCompletionSource? wake;
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            _outstanding--;
            wake = _slotFreed;
            _slotFreed = null;
            if (_outstanding == 0)
            {
                drained = _drained;
            }
        }

        wake?.TrySetResult();
        drained?.TrySetResult();
    }

    private async ValueTask WaitForSlotAsync(CancellationToken stop)
    {
        while (true)
        {
            Task freed;
            lock (_gate)
            {
                if (_outstanding < maxOutstanding)
                {
                    _outstanding++;
                    return;
                }

                _slotFreed ??= new TaskCompletionSource();
                freed = _slotFreed.Task;
            }

            await freed.WaitAsync(stop).ConfigureAwait(false);
        }
    }
}
