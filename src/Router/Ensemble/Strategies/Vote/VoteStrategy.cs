namespace EnsembleGrpc.Router.Ensemble.Strategies.Vote;

/// <summary>
/// vote: each member votes for its top class; the majority wins, ties broken by the mean probability of the tied
/// classes (then the lower class). The returned scores are (votes + mean probability) / (members + 1): they sum to 1
/// and their argmax is the vote's winner, so a client reading only the probabilities still sees the vote.
/// </summary>
public sealed class VoteStrategy : IAggregationStrategy
{
    public string Name => StrategyNames.Vote;

    public StrategyPreparation Prepare(StrategyContext context) => new StrategyParameterReader(context, Name).Result(null);

    public AggregationResult Aggregate(AggregationInput input)
    {
        int members = input.Outputs.Count;
        if (members == 0)
        {
            return AggregationResult.Failed("no member answered");
        }

        int classes = input.Classes;
        var mean = ProbabilityMath.WeightedMean(input.Outputs, weights: null, input.BatchSize * classes);
        var scores = new float[mean.Length];
        var predictions = new int[input.BatchSize];
        var votes = new int[classes];
        for (int r = 0; r < input.BatchSize; r++)
        {
            Array.Clear(votes);
            foreach (var output in input.Outputs)
            {
                votes[Argmax.Row(output.Value.AsSpan(r * classes, classes))]++;
            }

            int winner = 0;
            for (int c = 1; c < classes; c++)
            {
                int offset = r * classes;
                if (votes[c] > votes[winner] || (votes[c] == votes[winner] && mean[offset + c] > mean[offset + winner]))
                {
                    winner = c;
                }
            }

            predictions[r] = winner;
            for (int c = 0; c < classes; c++)
            {
                scores[r * classes + c] = (votes[c] + mean[r * classes + c]) / (members + 1);
            }
        }

        return AggregationResult.Success(scores, predictions);
    }
}
