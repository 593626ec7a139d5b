namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// Pearson's χ² of the requests each arm got against what its configured share promised: χ² = Σ (O − E)² / E,
/// df = K − 1, E_k = n·w_k. A broken split (a filter dropping one arm's records, a stale table, a client pinning
/// keys) shows here before it biases every other comparison. Arms with share 0 are left out. The threshold is small
/// (GrowthBook's 0.001) because the check runs at every look.
/// </summary>
public static class SampleRatioMismatch
{
    public const double DefaultThreshold = 0.001;

    public static SrmResult Test(IReadOnlyList<long> observed, IReadOnlyList<double> shares, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(shares);
        long total = observed.Sum();
        double shareTotal = shares.Sum();
        double chi = 0;
        int arms = 0;
        bool enough = total > 0;
        for (int i = 0; i < observed.Count; i++)
        {
            if (shares[i] <= 0)
            {
                continue;
            }

            double expected = total * shares[i] / shareTotal;
            enough &= expected >= 5;
            chi += (observed[i] - expected) * (observed[i] - expected) / expected;
            arms++;
        }

        if (!enough || arms < 2)
        {
            return new SrmResult(chi, Math.Max(arms - 1, 0), 1, false, false);
        }

        double p = SpecialFunctions.ChiSquareSurvival(chi, arms - 1);
        return new SrmResult(chi, arms - 1, p, true, p < threshold);
    }
}
