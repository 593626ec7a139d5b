namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Open loop: sends leave on a schedule (constant or Poisson) whatever the server does, and each record keeps its
/// intended send time, so a stall shows up in the latency of every request that should have left during it
/// (no coordinated omission). When the sender itself falls behind (a full outstanding cap, a busy machine) the
/// send leaves late; that is recorded, never hidden.
/// </summary>
/// <remarks>
/// Waits shorter than the timer resolution complete synchronously (the clock spins), so at a few hundred requests
/// per second and up a loop of them would never suspend: <see cref="RunAsync"/> would not even return to the step
/// runner, and no measurement window would ever close. The loop therefore yields once before its first send and
/// again whenever it has run for <see cref="YieldAfter"/> or <see cref="YieldEvery"/> sends without suspending.
/// </remarks>
internal sealed class RateLoadManager(RequestExecutor executor, ArrivalSchedule schedule, int maxOutstanding) : ILoadManager
{
    /// <summary>Clock time a loop may keep the thread without suspending.</summary>
    public static readonly TimeSpan YieldAfter = TimeSpan.FromMilliseconds(1);

    /// <summary>Sends a loop may make without suspending (a bound where the clock does not move, as in tests).</summary>
    public const int YieldEvery = 256;

    private readonly object _gate = new();
    private int _outstanding;
    private TaskCompletionSource? _slotFreed;
    private TaskCompletionSource? _drained;

    public string Description => $"rate {schedule.Rate:0.##}/s ({schedule.Name})";

    public double Rate => schedule.Rate;

    public async Task RunAsync(RecordBuffer records, CancellationToken stop, CancellationToken abort)
    {
        try
        {
            await SendLoopAsync(records, stop, abort).ConfigureAwait(false);
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

    private async Task SendLoopAsync(RecordBuffer records, CancellationToken stop, CancellationToken abort)
    {
        var clock = executor.Clock;
        var yieldTicks = clock.ToTicks(YieldAfter);
        await clock.YieldAsync(stop).ConfigureAwait(false);
        var start = clock.Now;
        var suspendedAt = start;
        var sendsSinceSuspend = 0;
        while (!stop.IsCancellationRequested)
        {
            var intended = start + (long)Math.Round(schedule.NextOffset() * clock.Frequency);
            var wait = clock.WaitUntilAsync(intended, stop);
            var suspended = !wait.IsCompleted;
            await wait.ConfigureAwait(false);
            var slot = WaitForSlotAsync(stop);
            suspended |= !slot.IsCompleted;
            await slot.ConfigureAwait(false);
            records.CountSend();
            _ = SendAsync(records, intended, abort);
            if (suspended)
            {
                suspendedAt = clock.Now;
                sendsSinceSuspend = 0;
            }
            else if (++sendsSinceSuspend >= YieldEvery || clock.Now - suspendedAt >= yieldTicks)
            {
                await clock.YieldAsync(stop).ConfigureAwait(false);
                suspendedAt = clock.Now;
                sendsSinceSuspend = 0;
            }
        }
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
