using EnsembleGrpc.Router.Frontend.Security;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Security;

public sealed class FailedAttemptLimiterTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void The_Nth_failure_in_the_window_locks_the_caller_out_for_one_window()
    {
        var limiter = Limiter(maxFailures: 3, windowSeconds: 60);
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        Assert.Null(limiter.LockedOutFor("10.0.0.1"));

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.RecordFailure("10.0.0.1"));
        Assert.Equal(TimeSpan.FromSeconds(60), limiter.LockedOutFor("10.0.0.1"));
        // Another address is not affected.
        Assert.Null(limiter.LockedOutFor("10.0.0.2"));

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.LockedOutFor("10.0.0.1"));
        // Attempts during the lockout neither count nor extend it.
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limiter.LockedOutFor("10.0.0.1"));

        // After the lockout the count starts again from zero.
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        Assert.Null(limiter.LockedOutFor("10.0.0.1"));
    }

    [Fact]
    public void Failures_older_than_the_window_do_not_count()
    {
        var limiter = Limiter(maxFailures: 3, windowSeconds: 60);
        limiter.RecordFailure("10.0.0.1");
        limiter.RecordFailure("10.0.0.1");
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        Assert.Null(limiter.LockedOutFor("10.0.0.1"));
        Assert.True(limiter.RecordFailure("10.0.0.1"));
    }

    [Fact]
    public void A_success_clears_the_callers_failures()
    {
        var limiter = Limiter(maxFailures: 2, windowSeconds: 60);
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        limiter.RecordSuccess("10.0.0.1");
        Assert.False(limiter.RecordFailure("10.0.0.1"));
        Assert.True(limiter.RecordFailure("10.0.0.1"));
    }

    [Fact]
    public void Beyond_the_tracked_callers_new_ones_share_one_counter_so_memory_stays_bounded()
    {
        var limiter = Limiter(maxFailures: 2, windowSeconds: 60, maxTracked: 16);
        for (int i = 0; i < 16; i++)
        {
            limiter.RecordFailure($"10.0.0.{i}");
        }

        Assert.False(limiter.RecordFailure("10.0.1.1"));
        Assert.True(limiter.RecordFailure("10.0.1.2"));
        Assert.Equal(17, limiter.TrackedCallers);
        Assert.NotNull(limiter.LockedOutFor("10.0.1.3"));

        // Once the old entries are stale they are swept and a new caller gets a counter of its own again.
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.False(limiter.RecordFailure("10.0.2.1"));
        Assert.True(limiter.TrackedCallers <= 2, $"{limiter.TrackedCallers} callers tracked");
    }

    private FailedAttemptLimiter Limiter(int maxFailures, int windowSeconds, int maxTracked = 10_000) => new(
        Options.Create(new AdminSecurityOptions { MaxFailures = maxFailures, FailureWindowSeconds = windowSeconds, MaxTrackedCallers = maxTracked }),
        _clock);
}
