namespace EnsembleGrpc.Router.Ensemble;

/// <summary>best: the answer of the arm's member with the best validation accuracy (resolved when the config loads).</summary>
public sealed class BestStrategy : IAggregationStrategy
{
    public string Name => StrategyNames.Best;

    public AggregationResult Aggregate(AggregationInput input)
    {
        string? best = input.Arm.BestMember;
        if (best is null)
        {
            return AggregationResult.Failed("no best member is configured");
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
