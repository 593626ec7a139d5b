using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts.Bandit;

/// <summary>
/// Thompson sampling over arms with Beta(1 + correct, 1 + wrong) posteriors on feedback correctness: an arm's target
/// share is the probability that it is the best, estimated from joint posterior draws; then the additive exploration
/// floor p_k = φ + (1 − Kφ) w_k and the cap on how far each share moves per update. Pure: the caller keeps the shares
/// (and persists them) and decides when to update.
/// </summary>
public static class ThompsonShares
{
    public static double[] Next(IReadOnlyList<BinomialCounts> correct, IReadOnlyList<double> current, ThompsonOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(correct);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        int k = correct.Count;
        if (correct.Any(c => c.Trials < options.MinRowsPerArm))
        {
            return [.. current];
        }

        var target = Floor(ProbabilityBest(correct, options.Draws, random), options.MinShare);
        double largest = Enumerable.Range(0, k).Max(i => Math.Abs(target[i] - current[i]));
        // The whole move is scaled down (not each share clipped): the shares stay a convex combination of the current
        // and the target ones, so they still sum to 1 and keep the floor, and none moves more than the cap.
        double fraction = largest <= options.MaxStep ? 1 : options.MaxStep / largest;
        return Enumerable.Range(0, k).Select(i => current[i] + fraction * (target[i] - current[i])).ToArray();
    }

    /// <summary>The share of joint posterior draws in which each arm has the highest success rate.</summary>
    public static double[] ProbabilityBest(IReadOnlyList<BinomialCounts> correct, int draws, Random random)
    {
        ArgumentNullException.ThrowIfNull(correct);
        var wins = new double[correct.Count];
        for (int d = 0; d < draws; d++)
        {
            int best = 0;
            double bestValue = double.NegativeInfinity;
            for (int i = 0; i < correct.Count; i++)
            {
                var (a, b) = BetaBinomial.Posterior(correct[i]);
                double value = BetaSampler.Next(a, b, random);
                if (value > bestValue)
                {
                    (best, bestValue) = (i, value);
                }
            }

            wins[best]++;
        }

        return wins.Select(w => w / draws).ToArray();
    }

    private static double[] Floor(double[] probabilities, double floor)
    {
        int k = probabilities.Length;
        return k * floor >= 1
            ? Enumerable.Repeat(1.0 / k, k).ToArray()
            : probabilities.Select(p => floor + (1 - k * floor) * p).ToArray();
    }
}
