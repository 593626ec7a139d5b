namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// The Bayesian view beside the frequentist figures (reported, never deciding: it bounds expected loss, not false
/// alarms under peeking). Each arm's success rate has a Beta(1 + successes, 1 + failures) posterior.
/// P(p_B &gt; p_A) = Σ_{i=0}^{a_B−1} B(a_A + i, b_A + b_B) / ((b_B + i) B(1 + i, b_B) B(a_A, b_A)) (Evan Miller), exact
/// for integer a_B, in logs; above <see cref="ExactLimit"/> terms the normal approximation of the two posteriors.
/// Expected loss of choosing B = E[max(p_A − p_B, 0)] = m_A P(X_A⁺ &gt; p_B) − m_B P(p_A &gt; X_B⁺) (Stucchio), X⁺ the
/// posterior with one more success.
/// </summary>
public static class BetaBinomial
{
    public const int ExactLimit = 200_000;

    /// <summary>The posterior of an arm with <paramref name="counts"/> (events = successes) under a uniform prior.</summary>
    public static (double A, double B) Posterior(BinomialCounts counts) => (1 + counts.Events, 1 + counts.Trials - counts.Events);

    /// <summary>P(p_B &gt; p_A) for Beta(aA, bA) and Beta(aB, bB) with integer aB.</summary>
    public static double ProbabilityBBeatsA(double aA, double bA, double aB, double bB)
    {
        if (aB > ExactLimit)
        {
            return Approximate(aA, bA, aB, bB);
        }

        double logNorm = SpecialFunctions.LogBeta(aA, bA);
        double total = 0;
        for (int i = 0; i < (int)aB; i++)
        {
            total += Math.Exp(SpecialFunctions.LogBeta(aA + i, bA + bB) - Math.Log(bB + i) - SpecialFunctions.LogBeta(1 + i, bB) - logNorm);
        }

        return Math.Clamp(total, 0, 1);
    }

    /// <summary>P(candidate's success rate &gt; baseline's).</summary>
    public static double ProbabilityCandidateBetter(BinomialCounts baseline, BinomialCounts candidate)
    {
        var (aA, bA) = Posterior(baseline);
        var (aB, bB) = Posterior(candidate);
        return ProbabilityBBeatsA(aA, bA, aB, bB);
    }

    /// <summary>E[max(p_A − p_B, 0)]: the success rate expected to be lost by choosing the candidate.</summary>
    public static double ExpectedLossOfCandidate(BinomialCounts baseline, BinomialCounts candidate)
    {
        var (aA, bA) = Posterior(baseline);
        var (aB, bB) = Posterior(candidate);
        double mA = aA / (aA + bA);
        double mB = aB / (aB + bB);
        double aPlusBeatsB = 1 - ProbabilityBBeatsA(aA + 1, bA, aB, bB);
        double aBeatsBPlus = 1 - ProbabilityBBeatsA(aA, bA, aB + 1, bB);
        return Math.Max(0, mA * aPlusBeatsB - mB * aBeatsBPlus);
    }

    private static double Approximate(double aA, double bA, double aB, double bB)
    {
        double mA = aA / (aA + bA);
        double mB = aB / (aB + bB);
        double vA = aA * bA / ((aA + bA) * (aA + bA) * (aA + bA + 1));
        double vB = aB * bB / ((aB + bB) * (aB + bB) * (aB + bB + 1));
        return SpecialFunctions.NormalCdf((mB - mA) / Math.Sqrt(vA + vB));
    }
}
