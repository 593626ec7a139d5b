using System.Text.Json;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Tests.Configuration;

/// <summary>
/// A strategy that exists only in the tests, with a parameter of its own (<c>class</c>): it answers that class for
/// every row. It proves that a new strategy needs no change outside its own code.
/// </summary>
internal sealed class ConstantStrategy : IAggregationStrategy
{
    public const string ClassKey = "class";

    public string Name => "constant";

    public StrategyPreparation Prepare(StrategyContext context)
    {
        var reader = new StrategyParameterReader(context, Name, ClassKey);
        if (!reader.TryGet(ClassKey, JsonValueKind.Number, "an integer from 0 to 9", out var value))
        {
            if (reader.Errors.Count == 0)
            {
                reader.Error($"{reader.PathOf(ClassKey)}: required for constant (the class to answer).");
            }

            return reader.Result(null);
        }

        if (!value.TryGetInt32(out int answer) || answer < 0 || answer >= context.Classes)
        {
            reader.Error($"{reader.PathOf(ClassKey)}: must be an integer from 0 to {context.Classes - 1}; got {value.GetRawText()}.");
            return reader.Result(null);
        }

        return reader.Result(new ConstantParameters(answer));
    }

    public AggregationResult Aggregate(AggregationInput input)
    {
        if (input.Arm.Parameters is not ConstantParameters { Class: var answer })
        {
            return AggregationResult.Failed("no class is prepared");
        }

        var probabilities = new float[input.BatchSize * input.Classes];
        for (int r = 0; r < input.BatchSize; r++)
        {
            probabilities[r * input.Classes + answer] = 1;
        }

        return AggregationResult.FromProbabilities(probabilities, input.BatchSize, input.Classes);
    }
}

/// <summary>What <see cref="ConstantStrategy"/> prepares for an arm.</summary>
internal sealed record ConstantParameters(int Class) : IStrategyParameters;
