using EnsembleGrpc.Router.Repository;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// stacking: the arm's meta-model over the members' probabilities concatenated per row in the meta-model's member
/// order ([N, members×classes] → [N, classes]), run in-process. The meta-model (<c>parameters.meta_model</c>, a model
/// of the repository whose config lists its <c>members</c>) is loaded when the config loads. A missing member or a
/// failing meta-model is a failure value, which the executor turns into the bagging fallback.
/// </summary>
public sealed class StackingStrategy(IMetaModelLoader metaModelLoader) : IAggregationStrategy
{
    public const string MetaModelKey = "meta_model";

    public string Name => StrategyNames.Stacking;

    public StrategyPreparation Prepare(StrategyContext context)
    {
        var reader = new StrategyParameterReader(context, Name, MetaModelKey);
        string? name = reader.RequiredString(MetaModelKey, "the meta-model's name in the model repository");
        var parameters = name is null ? null : Load(name, context, reader);
        return reader.Result(parameters);
    }

    public AggregationResult Aggregate(AggregationInput input)
    {
        if (input.Arm.Parameters is not StackingParameters meta)
        {
            return AggregationResult.Failed("no meta-model is prepared");
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
            output = meta.MetaModel.Run(features, input.BatchSize, width);
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

    private StackingParameters? Load(string name, StrategyContext context, StrategyParameterReader reader)
    {
        string path = reader.PathOf(MetaModelKey);
        var info = ModelRepositoryReader.TryRead(context.ModelRepository, name, out string? error);
        if (info is null)
        {
            reader.Error($"{path}: {error}.");
            return null;
        }

        int before = reader.Errors.Count;
        if (info.Members is null || info.Members.Count == 0)
        {
            reader.Error($"{path}: the config of '{name}' lists no \"members\" (the order of its input).");
        }
        else
        {
            foreach (var member in info.Members.Where(n => context.Members.All(m => m.Name != n)))
            {
                reader.Error($"{context.Path}.members: the meta-model '{name}' needs member '{member}', which the arm lacks.");
            }
        }

        if (info.ModelPath is null)
        {
            reader.Error($"{path}: '{name}' has no <version>/model.onnx in '{context.ModelRepository}'.");
        }

        if (reader.Errors.Count > before)
        {
            return null;
        }

        try
        {
            return new StackingParameters { Name = name, MemberOrder = info.Members!, MetaModel = metaModelLoader.Load(info.ModelPath!, info.InputName, info.OutputName) };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reader.Error($"{path}: '{info.ModelPath}' cannot be loaded: {ex.Message}");
            return null;
        }
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
