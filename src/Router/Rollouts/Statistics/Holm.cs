namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// Holm's step-down correction: with m p-values sorted ascending, adjusted p_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j)).
/// It keeps the chance of ANY false rollback across arms and guardrail metrics at α (family-wise), without
/// Bonferroni's full price. Always-valid p-values stay valid at any stopping time, so Holm applies to them at every look.
/// </summary>
public static class Holm
{
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        int m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            int i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }

        return adjusted;
    }

    /// <summary>Which hypotheses Holm rejects at family-wise <paramref name="alpha"/>.</summary>
    public static bool[] Reject(IReadOnlyList<double> pValues, double alpha) => Adjust(pValues).Select(p => p <= alpha).ToArray();
}
