namespace EnsembleGrpc.Router.Ensemble.Strategies.Best;

/// <summary>best: the answer of the arm's member with the best validation accuracy (resolved when the config loads).</summary>
public sealed class BestStrategy : IAggregationStrategy
{
    public string Name => StrategyNames.Best;

    public StrategyPreparation Prepare(StrategyContext context)
    {
        var reader = new StrategyParameterReader(context, Name);
        var missing = context.Members.Where(m => m.ValidationAccuracy is null).Select(m => m.Name).ToArray();
        if (missing.Length > 0)
        {
            reader.Error($"{context.Path}: best needs validation_accuracy of {string.Join(", ", missing)} (in the routing file or training.validation_accuracy of the repository config).");
            return reader.Result(null);
        }

        // Highest accuracy; ties go to the earlier member so that the choice is stable across reloads.
        var best = context.Members.Aggregate((x, y) => y.ValidationAccuracy > x.ValidationAccuracy ? y : x);
        return reader.Result(new BestParameters { Member = best.Name });
    }

    public AggregationResult Aggregate(AggregationInput input)
    {
        if (input.Arm.Parameters is not BestParameters { Member: var best })
        {
            return AggregationResult.Failed("no best member is prepared");
        }

        foreach (var output in input.Outputs)
        {
            if (string.Equals(output.Key, best, StringComparison.Ordinal))
            {
                return AggregationResult.FromProbabilities(output.Value, input.BatchSize, input.Classes);
            }
        }

        return AggregationResult.Failed($"the best member '{best}' did not answer");
    }
}
