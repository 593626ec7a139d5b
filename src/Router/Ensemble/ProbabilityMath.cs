namespace EnsembleGrpc.Router.Ensemble;

/// <summary>Weighted means of member probability tables; the building block of bagging, boosting and vote.</summary>
internal static class ProbabilityMath
{
    /// <summary>Σ wᵢ·pᵢ / Σ wᵢ over the outputs; null weights mean equal weights.</summary>
    public static float[] WeightedMean(IReadOnlyList<KeyValuePair<string, float[]>> outputs, IReadOnlyList<double>? weights, int length)
    {
        var acc = new double[length];
        double total = 0;
        for (int m = 0; m < outputs.Count; m++)
        {
            double w = weights?[m] ?? 1.0;
            total += w;
            var p = outputs[m].Value;
            for (int i = 0; i < length; i++)
            {
                acc[i] += w * p[i];
            }
        }

        var result = new float[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = (float)(acc[i] / total);
        }

        return result;
    }
}
