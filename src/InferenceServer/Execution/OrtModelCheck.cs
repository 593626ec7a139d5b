using EnsembleGrpc.InferenceServer.Repository;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>Compares config.json's tensors with the model file's, collecting every difference.</summary>
internal static class OrtModelCheck
{
    public static void Compare(IReadOnlyList<TensorConfig> configured, IReadOnlyDictionary<string, NodeMetadata> actual, IReadOnlyList<string> names, string kind, List<string> errors)
    {
        if (configured.Count != actual.Count)
        {
            errors.Add($"the model has {actual.Count} {kind}s ({string.Join(", ", names.Select(n => Describe(n, actual[n])))}), the configuration {configured.Count}");
        }

        foreach (var tensor in configured)
        {
            if (!actual.TryGetValue(tensor.Name, out var info))
            {
                errors.Add($"{kind} '{tensor.Name}' is not in the model ({string.Join(", ", names)})");
                continue;
            }

            if (!info.IsTensor || info.ElementDataType != TensorElementType.Float)
            {
                errors.Add($"{kind} '{tensor.Name}' is {(info.IsTensor ? info.ElementDataType.ToString() : info.OnnxValueType.ToString())} in the model, FP32 in the configuration");
                continue;
            }

            var dimensions = info.Dimensions;
            if (dimensions.Length != tensor.Shape.Count)
            {
                errors.Add($"{kind} '{tensor.Name}' has shape {ShapeText(info)} in the model, [{string.Join(',', tensor.Shape)}] in the configuration");
                continue;
            }

            // A fixed model dimension must equal the configured one; a free one accepts any configured size.
            for (var d = 0; d < dimensions.Length; d++)
            {
                if (dimensions[d] >= 0 && dimensions[d] != tensor.Shape[d])
                {
                    errors.Add($"{kind} '{tensor.Name}' dimension {d} is {dimensions[d]} in the model, {tensor.Shape[d]} in the configuration");
                }
            }
        }
    }

    private static string Describe(string name, NodeMetadata info) => info.IsTensor ? $"{name}: {info.ElementDataType}{ShapeText(info)}" : $"{name}: {info.OnnxValueType}";

    /// <summary>[N,1,28,28]: a free dimension by its symbolic name, or ? when it has none.</summary>
    private static string ShapeText(NodeMetadata info)
    {
        var symbols = info.SymbolicDimensions;
        var parts = info.Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : i < symbols.Length && !string.IsNullOrEmpty(symbols[i]) ? symbols[i] : "?");
        return $"[{string.Join(',', parts)}]";
    }
}
