using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Statistics;

public sealed class BetaBinomialTests
{
    [Fact]
    public void Uniform_against_beta_two_one_is_one_third()
    {
        // P(U > X), X ~ Beta(2, 1): E[1 − X] = 1/3.
        Assert.Equal(1.0 / 3, BetaBinomial.ProbabilityBBeatsA(2, 1, 1, 1), 12);
        Assert.Equal(0.5, BetaBinomial.ProbabilityBBeatsA(1, 1, 1, 1), 12);
    }

    [Fact]
    public void Ninety_of_a_hundred_against_eighty_five_matches_reference()
    {
        // Posteriors Beta(91, 11) and Beta(86, 16): exact sum 0.1467162 (scipy); expected loss 0.0526 (4M draws).
        var baseline = new BinomialCounts(90, 100);
        var candidate = new BinomialCounts(85, 100);

        Assert.Equal(0.1467162100660313, BetaBinomial.ProbabilityCandidateBetter(baseline, candidate), 9);
        Assert.Equal(0.0526, BetaBinomial.ExpectedLossOfCandidate(baseline, candidate), 3);
    }

    [Fact]
    public void The_exact_sum_near_its_limit_agrees_with_the_normal_approximation_used_above_it()
    {
        double aA = 150_001, bA = 50_001, aB = 150_201, bB = 49_801;
        double mA = aA / (aA + bA), mB = aB / (aB + bB);
        double vA = aA * bA / ((aA + bA) * (aA + bA) * (aA + bA + 1)), vB = aB * bB / ((aB + bB) * (aB + bB) * (aB + bB + 1));

        double exact = BetaBinomial.ProbabilityBBeatsA(aA, bA, aB, bB);

        Assert.Equal(SpecialFunctions.NormalCdf((mB - mA) / Math.Sqrt(vA + vB)), exact, 2);
    }
}
