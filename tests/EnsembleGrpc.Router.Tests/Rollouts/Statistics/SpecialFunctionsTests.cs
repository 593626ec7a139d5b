using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Statistics;

/// <summary>Reference values from scipy 1.10 (stats.norm, stats.chi2, special.gammaln).</summary>
public sealed class SpecialFunctionsTests
{
    [Theory]
    [InlineData(1.96, 0.9750021048517795)]
    [InlineData(0, 0.5)]
    [InlineData(-3, 0.0013498980316301)]
    public void Normal_cdf_matches_reference(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.NormalCdf(x), 7);

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(1e-6, -4.753424308822899)]
    [InlineData(0.8, 0.8416212335729143)]
    public void Normal_quantile_matches_reference(double p, double expected) =>
        Assert.Equal(expected, SpecialFunctions.NormalQuantile(p), 6);

    [Theory]
    [InlineData(0.3, 1.0957979948180756)]
    [InlineData(10.5, 13.940625219403763)]
    [InlineData(1000.5, 5908.674175848678)]
    public void Log_gamma_matches_reference(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.LogGamma(x), 9);

    [Theory]
    [InlineData(11.111111111111111, 1, 0.0008581206663936758)]
    [InlineData(7.815, 3, 0.049993902974883875)]
    [InlineData(25.0, 10, 0.005345505487134069)]
    public void Chi_square_tail_matches_reference(double chi, int df, double expected) =>
        Assert.Equal(expected, SpecialFunctions.ChiSquareSurvival(chi, df), 6);
}
