namespace EnsembleGrpc.Router.Tests.Security;

/// <summary>A wall clock that moves only when the test says so (timers and timestamps stay the system's).</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
