using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Statistics;

public sealed class MsprtTests
{
    [Fact]
    public void Two_proportions_match_a_hand_computed_look()
    {
        // Baseline 180 errors in 9,000, candidate 35 in 1,000, τ = 0.02, α = 0.05 (values from a python transcription).
        var result = Msprt.TwoProportions(new BinomialCounts(180, 9000), new BinomialCounts(35, 1000), tau: 0.02, alpha: 0.05);

        Assert.True(result.Informative);
        Assert.Equal(0.015, result.Estimate, 12);
        Assert.Equal(0.004834798628461973, result.StandardError, 12);
        Assert.Equal(22.17056091721301, result.LikelihoodRatio, 8);
        Assert.Equal(0.04510485791198948, result.PValue, 10);
        Assert.Equal(0.00017091845410055484, result.Lower, 10);
        Assert.Equal(0.02982908154589945, result.Upper, 10);
    }

    [Fact]
    public void Unequal_arm_form_equals_the_papers_equal_arm_form()
    {
        // Johari et al.: Λ_n = sqrt(V/(V + nτ²)) exp(n²τ²D²/(2V(V + nτ²))), V = p_A(1−p_A) + p_B(1−p_B).
        double n = 1000, pa = 0.1, pb = 0.12, tau = 0.02;
        double v = pa * (1 - pa) + pb * (1 - pb);
        double paper = Math.Sqrt(v / (v + n * tau * tau)) * Math.Exp(n * n * tau * tau * (pb - pa) * (pb - pa) / (2 * v * (v + n * tau * tau)));

        var result = Msprt.Evaluate(pb - pa, v / n, tau, 0.05, 0);

        Assert.Equal(1.1387717619451465, paper, 12);
        Assert.Equal(paper, result.LikelihoodRatio, 12);
    }

    [Fact]
    public void The_confidence_sequence_excludes_the_null_exactly_when_lambda_reaches_one_over_alpha()
    {
        foreach (int events in new[] { 20, 30, 35, 40, 60 })
        {
            var result = Msprt.TwoProportions(new BinomialCounts(180, 9000), new BinomialCounts(events, 1000), 0.02, 0.05);
            bool excluded = result.Lower > 0 || result.Upper < 0;
            Assert.Equal(result.LikelihoodRatio >= 20, excluded);
        }
    }

    [Fact]
    public void The_always_valid_p_value_never_rises()
    {
        var first = Msprt.TwoProportions(new BinomialCounts(180, 9000), new BinomialCounts(35, 1000), 0.02, 0.05);
        var later = Msprt.TwoProportions(new BinomialCounts(360, 18000), new BinomialCounts(40, 2000), 0.02, 0.05, previousPValue: first.PValue);

        Assert.True(later.LikelihoodRatio < first.LikelihoodRatio);
        Assert.Equal(first.PValue, later.PValue);
    }

    [Fact]
    public void No_trials_or_no_variance_is_uninformative_never_a_pass()
    {
        var empty = Msprt.TwoProportions(new BinomialCounts(0, 0), new BinomialCounts(3, 10), 0.02, 0.05);
        var noEvents = Msprt.TwoProportions(new BinomialCounts(0, 500), new BinomialCounts(0, 50), 0.02, 0.05);

        Assert.False(empty.Informative);
        Assert.False(noEvents.Informative);
        Assert.Equal(double.PositiveInfinity, noEvents.Upper);
        Assert.Equal(1, noEvents.PValue);
    }

    [Fact]
    public void One_proportion_uses_the_null_variance_so_perfect_agreement_still_speaks()
    {
        // 500 of 500 agree against a floor of 0.95: H0's variance 0.95·0.05/500 is not zero.
        var result = Msprt.OneProportion(new BinomialCounts(500, 500), 0.95, 0.02, 0.05);

        Assert.True(result.Informative);
        Assert.True(result.Lower > 0.95);
        Assert.True(result.PValue < 0.05);
    }
}
