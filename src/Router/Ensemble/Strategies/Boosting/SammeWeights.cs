namespace EnsembleGrpc.Router.Ensemble.Strategies.Boosting;

/// <summary>
/// SAMME (multi-class AdaBoost) member weights: αᵢ = ln((1−eᵢ)/eᵢ) + ln(K−1), normalised to sum 1. A member no
/// better than chance (α ≤ 0) gets weight 0 rather than a negative one, which a probability average cannot use.
/// </summary>
public static class SammeWeights
{
    /// <summary>Errors are clamped into [1e-6, 1−1e-6] so a perfect validation score does not give an infinite weight.</summary>
    public const double ErrorClamp = 1e-6;

    /// <summary>The normalised weights, or null when no member beats chance.</summary>
    public static double[]? FromValidationErrors(IReadOnlyList<double> errors, int classes)
    {
        var alpha = new double[errors.Count];
        double total = 0;
        for (int i = 0; i < errors.Count; i++)
        {
            double e = Math.Clamp(errors[i], ErrorClamp, 1 - ErrorClamp);
            alpha[i] = Math.Max(0, Math.Log((1 - e) / e) + Math.Log(classes - 1));
            total += alpha[i];
        }

        if (!(total > 0))
        {
            return null;
        }

        for (int i = 0; i < alpha.Length; i++)
        {
            alpha[i] /= total;
        }

        return alpha;
    }

    /// <summary>Normalises weights given in the routing file; null when they do not sum to a positive number.</summary>
    public static double[]? Normalise(IReadOnlyList<double> weights)
    {
        double total = weights.Sum();
        return total > 0 && double.IsFinite(total) ? weights.Select(w => w / total).ToArray() : null;
    }
}
