using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Statistics;

public sealed class FixedHorizonTests
{
    [Fact]
    public void Z_test_matches_reference()
    {
        var result = TwoProportionZTest.Test(new BinomialCounts(180, 9000), new BinomialCounts(35, 1000), 0.05);

        Assert.Equal(3.1025077056356625, result.Z, 9);
        Assert.Equal(0.0019188855230868056, result.TwoSidedPValue, 6);
    }

    [Theory]
    [InlineData(0.98, 0.96, 0.5, 2282)]
    [InlineData(0.98, 0.96, 0.1, 5584)]
    [InlineData(0.95, 0.93, 0.1, 11628)]
    [InlineData(0.90, 0.88, 0.1, 20768)]
    public void Planned_total_matches_the_textbook_formula(double pa, double pb, double w, long expected) =>
        Assert.Equal(expected, TwoProportionZTest.PlannedTotal(pa, pb, w, 0.05, 0.8));
}
