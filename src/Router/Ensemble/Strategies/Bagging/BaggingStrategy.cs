namespace EnsembleGrpc.Router.Ensemble.Strategies.Bagging;

/// <summary>bagging: the mean of the members' probabilities. Also the fallback over whichever members answered.</summary>
public sealed class BaggingStrategy : IAggregationStrategy
{
    public string Name => StrategyNames.Bagging;

    public StrategyPreparation Prepare(StrategyContext context) => new StrategyParameterReader(context, Name).Result(null);

    public AggregationResult Aggregate(AggregationInput input)
    {
        if (input.Outputs.Count == 0)
        {
            return AggregationResult.Failed("no member answered");
        }

        var mean = ProbabilityMath.WeightedMean(input.Outputs, weights: null, input.BatchSize * input.Classes);
        return AggregationResult.FromProbabilities(mean, input.BatchSize, input.Classes);
    }
}
