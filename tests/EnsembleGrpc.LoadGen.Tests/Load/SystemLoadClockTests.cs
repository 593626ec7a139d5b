using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Tests.Load;

/// <summary>
/// The real clock's waits (the open loop's send times): never early, whatever their length (spun, handed to the
/// precise sleeper, or slept in whole milliseconds first), and a cancelled wait ends in cancellation.
/// </summary>
public sealed class SystemLoadClockTests
{
    [Fact]
    public async Task A_wait_never_completes_before_its_timestamp()
    {
        var clock = SystemLoadClock.CreateDefault();
        // Below the spin guard, around it, under a millisecond, and past the whole-millisecond sleep.
        long[] waitsUs = [20, 150, 400, 900, 1200, 3000, 20, 700];
        foreach (long us in waitsUs)
        {
            long target = clock.Now + clock.ToTicks(TimeSpan.FromMicroseconds(us));
            await clock.WaitUntilAsync(target, CancellationToken.None);
            Assert.True(clock.Now >= target, $"a {us} us wait returned {clock.ToTimeSpan(target - clock.Now).TotalMicroseconds:0} us early");
        }
    }

    [Fact]
    public async Task Waits_from_many_callers_each_end_at_or_after_their_own_timestamp()
    {
        var clock = SystemLoadClock.CreateDefault();
        long start = clock.Now;
        var waits = Enumerable.Range(0, 40).Select(async i =>
        {
            // Out of order, so that the sleeper meets earlier timestamps after later ones.
            long target = start + clock.ToTicks(TimeSpan.FromMicroseconds(300 + (i * 7919 % 40) * 50));
            await clock.WaitUntilAsync(target, CancellationToken.None);
            return clock.Now - target;
        }).ToArray();

        foreach (long after in await Task.WhenAll(waits))
        {
            Assert.True(after >= 0);
        }
    }

    [Fact]
    public async Task A_cancelled_wait_ends_in_cancellation()
    {
        var clock = SystemLoadClock.CreateDefault();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await clock.WaitUntilAsync(clock.Now + clock.ToTicks(TimeSpan.FromMicroseconds(500)), cancelled.Token));
    }
}
