namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// stacking: the arm's meta-model over the members' probabilities concatenated per row in the meta-model's member
/// order ([N, members×classes] → [N, classes]), run in-process. A missing member or a failing meta-model is a
/// failure value, which the executor turns into the bagging fallback.
/// </summary>
public sealed class StackingStrategy : IAggregationStrategy
{
    public string Name => StrategyNames.Stacking;

    public AggregationResult Aggregate(AggregationInput input)
    {
        var meta = input.Arm.MetaModel;
        if (meta is null)
        {
            return AggregationResult.Failed("no meta-model is configured");
        }

        int classes = input.Classes;
        int width = meta.MemberOrder.Count * classes;
        var features = new float[input.BatchSize * width];
        for (int m = 0; m < meta.MemberOrder.Count; m++)
        {
            float[]? probabilities = Find(input.Outputs, meta.MemberOrder[m]);
            if (probabilities is null)
            {
                return AggregationResult.Failed($"stacking lacks member '{meta.MemberOrder[m]}'");
            }

            for (int r = 0; r < input.BatchSize; r++)
            {
                Array.Copy(probabilities, r * classes, features, r * width + m * classes, classes);
            }
        }

        float[] output;
        try
        {
            output = meta.Runner.Run(features, input.BatchSize, width);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The message goes to the response's fallback_reason: keep it to our words plus the runtime's one line.
            return AggregationResult.Failed($"meta-model '{meta.Name}' failed: {FirstLine(ex.Message)}");
        }

        string? invalid = OutputValidator.Validate(output, input.BatchSize, classes);
        return invalid is null
            ? AggregationResult.FromProbabilities(output, input.BatchSize, classes)
            : AggregationResult.Failed($"meta-model '{meta.Name}' output is invalid: {invalid}");
    }

    private static float[]? Find(IReadOnlyList<KeyValuePair<string, float[]>> outputs, string member)
    {
        foreach (var output in outputs)
        {
            if (string.Equals(output.Key, member, StringComparison.Ordinal))
            {
                return output.Value;
            }
        }

        return null;
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
