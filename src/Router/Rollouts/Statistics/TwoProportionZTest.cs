namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// The classic fixed-horizon test of two proportions, valid for ONE look at a sample size fixed in advance
/// (<see cref="PlannedTotal"/>); looked at repeatedly it inflates false alarms (CANARY-NOTES 2: 5% becomes ~40%), which
/// the simulator shows. The rollout's fixed mode therefore looks once per step.
/// </summary>
public static class TwoProportionZTest
{
    /// <summary>z with the pooled standard error (H0: equal rates) shifted by <paramref name="nullDifference"/>; interval unpooled.</summary>
    public static ZTestResult Test(BinomialCounts baseline, BinomialCounts candidate, double alpha, double nullDifference = 0)
    {
        if (baseline.Trials == 0 || candidate.Trials == 0)
        {
            return new ZTestResult(double.NaN, double.NaN, 0, 1, 1, double.NegativeInfinity, double.PositiveInfinity);
        }

        double pA = baseline.Rate;
        double pB = candidate.Rate;
        double d = pB - pA;
        double q = (double)(baseline.Events + candidate.Events) / (baseline.Trials + candidate.Trials);
        double pooled = Math.Sqrt(q * (1 - q) * (1.0 / baseline.Trials + 1.0 / candidate.Trials));
        double unpooled = Math.Sqrt(pA * (1 - pA) / baseline.Trials + pB * (1 - pB) / candidate.Trials);
        double z = pooled > 0 ? (d - nullDifference) / pooled : 0;
        double zc = SpecialFunctions.NormalQuantile(1 - alpha / 2);
        return new ZTestResult(d, pooled, z, 2 * SpecialFunctions.NormalCdf(-Math.Abs(z)), SpecialFunctions.NormalCdf(-z), d - zc * unpooled, d + zc * unpooled);
    }

    /// <summary>
    /// Total requests (both arms) for a two-sided test at <paramref name="alpha"/> to detect p_A → p_B with
    /// <paramref name="power"/> when a share <paramref name="candidateShare"/> goes to the candidate:
    /// N = [z₁₋α/₂ sqrt(p̄(1−p̄)(1/w + 1/(1−w))) + z₁₋β sqrt(p_A(1−p_A)/(1−w) + p_B(1−p_B)/w)]² / (p_A − p_B)²,
    /// p̄ = (1−w)p_A + w p_B. Rounded up.
    /// </summary>
    public static long PlannedTotal(double baselineRate, double candidateRate, double candidateShare, double alpha, double power)
    {
        double w = candidateShare;
        double pBar = (1 - w) * baselineRate + w * candidateRate;
        double za = SpecialFunctions.NormalQuantile(1 - alpha / 2);
        double zb = SpecialFunctions.NormalQuantile(power);
        double root = za * Math.Sqrt(pBar * (1 - pBar) * (1 / w + 1 / (1 - w)))
            + zb * Math.Sqrt(baselineRate * (1 - baselineRate) / (1 - w) + candidateRate * (1 - candidateRate) / w);
        double effect = baselineRate - candidateRate;
        return (long)Math.Ceiling(root * root / (effect * effect));
    }
}
