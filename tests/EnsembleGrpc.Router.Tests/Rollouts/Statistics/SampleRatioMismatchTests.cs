using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Statistics;

public sealed class SampleRatioMismatchTests
{
    [Fact]
    public void Eleven_hundred_of_ten_thousand_at_ten_percent_is_flagged()
    {
        var result = SampleRatioMismatch.Test([8900, 1100], [0.9, 0.1]);

        Assert.True(result.Ran);
        Assert.Equal(11.111111111111111, result.ChiSquare, 9);
        Assert.Equal(0.0008581206663936758, result.PValue, 6);
        Assert.True(result.Mismatch);
    }

    [Fact]
    public void Ten_eighty_is_not_flagged()
    {
        var result = SampleRatioMismatch.Test([8920, 1080], [90, 10]);

        Assert.Equal(0.007660761135179457, result.PValue, 6);
        Assert.False(result.Mismatch);
    }

    [Fact]
    public void Too_few_expected_counts_do_not_run_and_zero_share_arms_are_left_out()
    {
        Assert.False(SampleRatioMismatch.Test([90, 4], [0.95, 0.05]).Ran);
        var withIdleArm = SampleRatioMismatch.Test([8900, 1100, 0], [0.9, 0.1, 0]);
        Assert.Equal(1, withIdleArm.DegreesOfFreedom);
        Assert.True(withIdleArm.Mismatch);
    }
}
