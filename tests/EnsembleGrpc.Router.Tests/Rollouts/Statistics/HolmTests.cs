using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Statistics;

public sealed class HolmTests
{
    [Fact]
    public void Adjusts_step_down_and_keeps_monotone()
    {
        // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → max(0.06, 0.04) = 0.06.
        var adjusted = Holm.Adjust([0.01, 0.04, 0.03, 0.005]);

        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 12)));
        Assert.Equal([true, false, false, true], Holm.Reject([0.01, 0.04, 0.03, 0.005], 0.05));
    }

    [Fact]
    public void Caps_at_one() => Assert.Equal([1.0, 1.0], Holm.Adjust([0.6, 0.9]));
}
