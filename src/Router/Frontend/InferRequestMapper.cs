using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>Lifts the one input tensor and the router's parameters out of a protocol request.</summary>
public static class InferRequestMapper
{
    /// <summary>The tensor, or null with an INVALID_ARGUMENT message.</summary>
    public static ImageTensor? TryGetTensor(ModelInferRequest request, out string? error)
    {
        if (request.Inputs.Count != 1)
        {
            error = $"the ensemble takes exactly one input tensor; got {request.Inputs.Count}.";
            return null;
        }

        var input = request.Inputs[0];
        bool raw = request.RawInputContents.Count > 0;
        bool typed = input.Contents is { } c && (c.Fp32Contents.Count > 0 || c.UintContents.Count > 0 || c.IntContents.Count > 0
            || c.BytesContents.Count > 0 || c.Fp64Contents.Count > 0 || c.Int64Contents.Count > 0 || c.Uint64Contents.Count > 0 || c.BoolContents.Count > 0);
        if (raw && typed)
        {
            error = "the request mixes raw_input_contents and typed contents; use one or the other.";
            return null;
        }

        if (raw && request.RawInputContents.Count != 1)
        {
            error = $"raw_input_contents has {request.RawInputContents.Count} entries; expected one per input (1).";
            return null;
        }

        error = null;
        return new ImageTensor
        {
            Datatype = input.Datatype,
            Shape = input.Shape,
            Raw = raw ? request.RawInputContents[0].Memory : null,
            Fp32Contents = raw ? null : input.Contents?.Fp32Contents,
            UintContents = raw ? null : input.Contents?.UintContents,
        };
    }

    public static string? StringParameter(ModelInferRequest request, string name) =>
        request.Parameters.TryGetValue(name, out var p) && p.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.StringParam
            ? p.StringParam
            : null;

    /// <summary>Null when every output is wanted; otherwise the requested names, or an error for an unknown one.</summary>
    public static HashSet<string>? RequestedOutputs(ModelInferRequest request, out string? error)
    {
        error = null;
        if (request.Outputs.Count == 0)
        {
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in request.Outputs)
        {
            if (output.Name is not (ResponseParameters.ProbabilitiesOutput or ResponseParameters.PredictionsOutput))
            {
                error = $"output '{output.Name}' does not exist; outputs: {ResponseParameters.ProbabilitiesOutput} (FP32 [N,10]), {ResponseParameters.PredictionsOutput} (INT64 [N]).";
                return null;
            }

            names.Add(output.Name);
        }

        return names;
    }
}
