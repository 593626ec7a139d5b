namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// The real clock over a <see cref="TimeProvider"/>. Timers are coarse (about a millisecond), so a wait sleeps
/// until about a millisecond before the target and then yields in a loop: sends leave on time at high rates.
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
        var remaining = ToTimeSpan(timestamp - Now);
        if (remaining > SpinWindow)
        {
            await Task.Delay(remaining - SpinWindow, _time, cancellationToken).ConfigureAwait(false);
        }

        var spinner = default(SpinWait);
        while (Now < timestamp)
        {
            cancellationToken.ThrowIfCancellationRequested();
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
