using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// boosting: the weighted mean of the members' probabilities, with the arm's weights (SAMME weights from validation
/// errors, or given in the file; see <see cref="SammeWeights"/>), aligned with the arm's members.
/// </summary>
public sealed class BoostingStrategy : IAggregationStrategy
{
    public string Name => StrategyNames.Boosting;

    public AggregationResult Aggregate(AggregationInput input)
    {
        var armWeights = input.Arm.BoostingWeights;
        if (armWeights is null)
        {
            return AggregationResult.Failed("boosting weights are not configured");
        }

        // Outputs are in arm order but may be a subset in principle; look weights up by member name.
        var weights = new double[input.Outputs.Count];
        double total = 0;
        for (int m = 0; m < input.Outputs.Count; m++)
        {
            int index = IndexOf(input.Arm.Members, input.Outputs[m].Key);
            if (index < 0)
            {
                return AggregationResult.Failed($"member '{input.Outputs[m].Key}' has no boosting weight");
            }

            weights[m] = armWeights[index];
            total += weights[m];
        }

        if (!(total > 0))
        {
            return AggregationResult.Failed("boosting weights of the answering members sum to zero");
        }

        var mean = ProbabilityMath.WeightedMean(input.Outputs, weights, input.BatchSize * input.Classes);
        return AggregationResult.FromProbabilities(mean, input.BatchSize, input.Classes);
    }

    private static int IndexOf(IReadOnlyList<Model.MemberModel> members, string name)
    {
        for (int i = 0; i < members.Count; i++)
        {
            if (string.Equals(members[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
