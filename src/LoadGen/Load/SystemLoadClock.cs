namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// The real clock over a <see cref="TimeProvider"/>. Timers are coarse (about a millisecond, and a delay under one
/// millisecond is no delay at all: <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> truncates
/// to whole milliseconds and completes at once), so a wait sleeps whole milliseconds until about
/// <see cref="SpinWindow"/> before the target; the rest is left to <see cref="PreciseSleeper"/> (Linux) or spun.
/// </summary>
public sealed class SystemLoadClock : LoadClock
{
    private static readonly TimeSpan SpinWindow = TimeSpan.FromMilliseconds(1.5);
    private readonly TimeProvider _time;

    public SystemLoadClock(TimeProvider time)
        : base(time.GetTimestamp())
    {
        _time = time;
    }

    public static SystemLoadClock CreateDefault() => new(TimeProvider.System);

    public override long Now => _time.GetTimestamp();

    public override long Frequency => _time.TimestampFrequency;

    public override async ValueTask WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sleepMs = Math.Floor((ToTimeSpan(timestamp - Now) - SpinWindow).TotalMilliseconds);
        if (sleepMs >= 1)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(sleepMs), _time, cancellationToken).ConfigureAwait(false);
        }

        if (_time == TimeProvider.System && PreciseSleeper.Shared is { } sleeper && ToTimeSpan(timestamp - Now) > PreciseSleeper.SpinGuard)
        {
            // The sub-millisecond rest on the sleeper's thread: on time, without spinning here (see PreciseSleeper).
            await sleeper.WaitUntilAsync(timestamp, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return;
        }

        var spinner = default(SpinWait);
        while (Now < timestamp)
        {
            cancellationToken.ThrowIfCancellationRequested();
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public override async ValueTask YieldAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.Yield();
    }
}
