namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// Checks a member's (or the meta-model's) output before any strategy uses it: right size, finite, non-negative,
/// rows summing to about 1. A worker that returns garbage must not silently poison the ensemble.
/// </summary>
public static class OutputValidator
{
    public const int Classes = 10;

    /// <summary>Allowed |row sum − 1|; softmax in FP32 is well within it.</summary>
    public const float SumTolerance = 1e-3f;

    /// <summary>Null when valid, otherwise what is wrong.</summary>
    public static string? Validate(ReadOnlySpan<float> probabilities, int batchSize, int classes = Classes)
    {
        if (probabilities.Length != batchSize * classes)
        {
            return $"expected {batchSize}×{classes} = {batchSize * classes} probabilities, got {probabilities.Length}";
        }

        for (int r = 0; r < batchSize; r++)
        {
            var row = probabilities.Slice(r * classes, classes);
            double sum = 0;
            foreach (var p in row)
            {
                if (!float.IsFinite(p))
                {
                    return $"row {r} has a non-finite value";
                }

                if (p < -SumTolerance)
                {
                    return $"row {r} has a negative probability ({p})";
                }

                sum += p;
            }

            if (Math.Abs(sum - 1) > SumTolerance)
            {
                return $"row {r} sums to {sum:G6}, not 1";
            }
        }

        return null;
    }
}
