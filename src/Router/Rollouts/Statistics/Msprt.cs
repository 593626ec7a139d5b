namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// The mixture sequential probability ratio test with a normal mixing distribution N(θ0, τ²) (Johari, Pekelis, Walsh,
/// "Always Valid Inference", 2017). For an estimate D with standard error S, z = (D − θ0)/S and r = τ²/S²:
/// <code>Λ = (1 + r)^(−1/2) · exp( z² r / (2 (1 + r)) )</code>
/// Λ is a nonnegative martingale under H0 (D's true value θ0), so by Ville's inequality P(ever Λ ≥ 1/α) ≤ α: the test
/// may be looked at after every observation. The always-valid p-value is min over looks of 1/Λ; inverting Λ &lt; 1/α
/// in θ0 gives the confidence sequence D ± S·sqrt(((1 + r)/r)(2 ln(1/α) + ln(1 + r))). τ is the effect size worth
/// catching (the mixture is tightest there; see README, "Canary rollouts").
/// </summary>
public static class Msprt
{
    /// <summary>
    /// The difference of two proportions, candidate minus baseline, against <paramref name="nullDifference"/>, with
    /// the pooled variance q(1 − q)(1/n_A + 1/n_B): the unpooled one is ~0 while an arm has no events yet, which
    /// inflates false alarms tenfold (CANARY-NOTES 2.1).
    /// </summary>
    public static SequentialResult TwoProportions(
        BinomialCounts baseline, BinomialCounts candidate, double tau, double alpha, double nullDifference = 0, double previousPValue = 1)
    {
        double estimate = candidate.Rate - baseline.Rate;
        if (baseline.Trials == 0 || candidate.Trials == 0)
        {
            return SequentialResult.Uninformative(double.NaN, nullDifference, previousPValue);
        }

        double q = (double)(baseline.Events + candidate.Events) / (baseline.Trials + candidate.Trials);
        double variance = q * (1 - q) * (1.0 / baseline.Trials + 1.0 / candidate.Trials);
        return Evaluate(estimate, variance, tau, alpha, nullDifference, previousPValue);
    }

    /// <summary>
    /// One proportion against <paramref name="nullRate"/>, with the variance p0(1 − p0)/n that H0 fixes (exact under
    /// H0, and never 0 while all observations agree).
    /// </summary>
    public static SequentialResult OneProportion(BinomialCounts counts, double nullRate, double tau, double alpha, double previousPValue = 1)
    {
        if (counts.Trials == 0)
        {
            return SequentialResult.Uninformative(double.NaN, nullRate, previousPValue);
        }

        double variance = nullRate * (1 - nullRate) / counts.Trials;
        return Evaluate(counts.Rate, variance, tau, alpha, nullRate, previousPValue);
    }

    /// <summary>Λ, p-value and confidence sequence for an estimate with the given variance.</summary>
    public static SequentialResult Evaluate(double estimate, double variance, double tau, double alpha, double nullValue, double previousPValue = 1)
    {
        if (!(variance > 0) || double.IsNaN(estimate))
        {
            return SequentialResult.Uninformative(estimate, nullValue, previousPValue);
        }

        double s = Math.Sqrt(variance);
        double r = tau * tau / variance;
        double z = (estimate - nullValue) / s;
        double logLambda = -0.5 * Math.Log(1 + r) + z * z * r / (2 * (1 + r));
        double lambda = Math.Exp(Math.Min(logLambda, 700));
        double p = Math.Min(previousPValue, Math.Min(1, Math.Exp(-logLambda)));
        double halfWidth = s * Math.Sqrt((1 + r) / r * (2 * Math.Log(1 / alpha) + Math.Log(1 + r)));
        return new SequentialResult(estimate, s, nullValue, lambda, p, estimate - halfWidth, estimate + halfWidth, true);
    }
}
