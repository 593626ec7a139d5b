namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// The time source of load generation and measurement: a monotonic timestamp, a way to wait until one, and a way
/// to hand the thread back. Production uses <see cref="SystemLoadClock"/>; tests use a virtual clock, so scheduling
/// is checked without sleeping.
/// </summary>
public abstract class LoadClock
{
    protected LoadClock(long origin) => Origin = origin;

    /// <summary>The timestamp this clock was created at; <see cref="Elapsed"/> counts from it.</summary>
    public long Origin { get; }

    /// <summary>Current timestamp, in ticks of <see cref="Frequency"/>.</summary>
    public abstract long Now { get; }

    /// <summary>Ticks per second.</summary>
    public abstract long Frequency { get; }

    public TimeSpan Elapsed => ToTimeSpan(Now - Origin);

    /// <summary>
    /// Completes once <see cref="Now"/> has reached <paramref name="timestamp"/>. A short wait may complete
    /// synchronously (the system clock spins below timer resolution): a loop of waits must still call
    /// <see cref="YieldAsync"/> now and then, or it never returns to its caller.
    /// </summary>
    public abstract ValueTask WaitUntilAsync(long timestamp, CancellationToken cancellationToken);

    /// <summary>Always suspends, so that whoever started the current loop (and everything else queued) runs.</summary>
    public abstract ValueTask YieldAsync(CancellationToken cancellationToken);

    public long ToTicks(TimeSpan duration) => (long)Math.Round(duration.Ticks * (double)Frequency / TimeSpan.TicksPerSecond);

    public TimeSpan ToTimeSpan(long ticks) => TimeSpan.FromTicks((long)Math.Round(ticks * (double)TimeSpan.TicksPerSecond / Frequency));

    public long ToNanoseconds(long ticks) => (long)Math.Round(ticks * (1e9 / Frequency));

    public double ToSeconds(long ticks) => ticks / (double)Frequency;
}
