using System.Text.Json;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Boosting;

/// <summary>
/// boosting: the weighted mean of the members' probabilities, with the arm's weights (<c>parameters.weights</c>, or
/// SAMME weights from the members' validation errors, see <see cref="SammeWeights"/>), aligned with the arm's members.
/// </summary>
public sealed class BoostingStrategy : IAggregationStrategy
{
    public const string WeightsKey = "weights";

    public string Name => StrategyNames.Boosting;

    public StrategyPreparation Prepare(StrategyContext context)
    {
        var reader = new StrategyParameterReader(context, Name, WeightsKey);
        if (reader.TryGet(WeightsKey, JsonValueKind.Object, "an object of member name → weight", out var given))
        {
            var weights = GivenWeights(given, context.Members, reader);
            return reader.Result(weights is null ? null : new BoostingParameters { Weights = weights });
        }

        if (reader.Errors.Count > 0)
        {
            return reader.Result(null);
        }

        var missing = context.Members.Where(m => m.ValidationError is null).Select(m => m.Name).ToArray();
        if (missing.Length > 0)
        {
            reader.Error($"{context.Path}: boosting needs parameters.weights or validation_error of {string.Join(", ", missing)} (in the routing file or training.validation_error of the repository config).");
            return reader.Result(null);
        }

        var samme = SammeWeights.FromValidationErrors(context.Members.Select(m => m.ValidationError!.Value).ToArray(), context.Classes);
        if (samme is null)
        {
            reader.Error($"{context.Path}: boosting: no member beats chance (every SAMME weight is 0); give parameters.weights.");
        }

        return reader.Result(samme is null ? null : new BoostingParameters { Weights = samme });
    }

    public AggregationResult Aggregate(AggregationInput input)
    {
        if (input.Arm.Parameters is not BoostingParameters { Weights: var armWeights })
        {
            return AggregationResult.Failed("boosting weights are not prepared");
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

    /// <summary>The file's weights normalised and aligned with the arm's members; null (with every problem reported) when unusable.</summary>
    private static double[]? GivenWeights(JsonElement given, IReadOnlyList<MemberModel> members, StrategyParameterReader reader)
    {
        string path = reader.PathOf(WeightsKey);
        int before = reader.Errors.Count;
        var byMember = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in given.EnumerateObject())
        {
            if (members.All(m => m.Name != property.Name))
            {
                reader.Error($"{path}: '{property.Name}' is not a member of the arm.");
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out double weight) || !(weight >= 0) || !double.IsFinite(weight))
            {
                reader.Error($"{path}.{property.Name}: must be a finite number, 0 or more; got {property.Value.GetRawText()}.");
                continue;
            }

            byMember[property.Name] = weight;
        }

        foreach (var member in members.Where(m => !given.TryGetProperty(m.Name, out _)))
        {
            reader.Error($"{path}: member '{member.Name}' has no weight.");
        }

        if (reader.Errors.Count > before)
        {
            return null;
        }

        var normalised = SammeWeights.Normalise(members.Select(m => byMember[m.Name]).ToArray());
        if (normalised is null)
        {
            reader.Error($"{path}: must sum to more than 0.");
        }

        return normalised;
    }

    private static int IndexOf(IReadOnlyList<MemberModel> members, string name)
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
