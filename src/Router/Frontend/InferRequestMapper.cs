using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>Lifts the one input tensor and the router's parameters out of a protocol request.</summary>
public static class InferRequestMapper
{
    /// <summary>
    /// The tensor, or null with an INVALID_ARGUMENT message. As on the workers, an input comes either in
    /// raw_input_contents or in typed contents, never both: FP32 in fp32_contents, UINT8 in uint_contents (values
    /// 0..255) or bytes_contents (the pixel bytes, in one entry or several). Counts and values are checked by the
    /// preprocessor, which knows the shape.
    /// </summary>
    public static ImageTensor? TryGetTensor(ModelInferRequest request, out string? error)
    {
        if (request.Inputs.Count != 1)
        {
            error = $"the ensemble takes exactly one input tensor, {RouterInputs.Describe()}; got {request.Inputs.Count}" +
                    (request.Inputs.Count > 0 ? $" ({string.Join(", ", request.Inputs.Select(i => $"'{i.Name}'"))})." : ".");
            return null;
        }

        var input = request.Inputs[0];
        error = CheckNameAndDatatype(input);
        if (error is not null)
        {
            return null;
        }

        bool raw = request.RawInputContents.Count > 0;
        var contents = input.Contents;
        if (raw && HasTypedContents(contents))
        {
            error = $"input '{input.Name}' has typed contents but the request uses raw_input_contents; use one or the other.";
            return null;
        }

        if (raw && request.RawInputContents.Count != 1)
        {
            error = $"raw_input_contents has {request.RawInputContents.Count} entries; expected one per input (1).";
            return null;
        }

        if (!raw && contents is not null && contents.UintContents.Count > 0 && contents.BytesContents.Count > 0)
        {
            error = $"input '{input.Name}' has both uint_contents and bytes_contents; use one of them.";
            return null;
        }

        if (raw)
        {
            return new ImageTensor { Name = input.Name, Datatype = input.Datatype, Shape = input.Shape, Raw = request.RawInputContents[0].Memory };
        }

        return new ImageTensor
        {
            Name = input.Name,
            Datatype = input.Datatype,
            Shape = input.Shape,
            Fp32Contents = contents?.Fp32Contents,
            UintContents = contents?.UintContents,
            BytesContents = contents?.BytesContents.Select(b => b.Memory).ToArray(),
            OtherContents = contents is not null && (contents.IntContents.Count > 0 || contents.Int64Contents.Count > 0
                || contents.Uint64Contents.Count > 0 || contents.Fp64Contents.Count > 0 || contents.BoolContents.Count > 0),
        };
    }

    private static string? CheckNameAndDatatype(ModelInferRequest.Types.InferInputTensor input)
    {
        string? expected = RouterInputs.DatatypeOf(input.Name);
        if (expected is null)
        {
            return $"input '{input.Name}' is not an input of the ensemble; inputs: {RouterInputs.Describe()}.";
        }

        return input.Datatype == expected
            ? null
            : $"input '{input.Name}' must be {expected}; got {(input.Datatype.Length == 0 ? "no datatype" : input.Datatype)}; inputs: {RouterInputs.Describe()}.";
    }

    private static bool HasTypedContents(InferTensorContents? c) =>
        c is not null && (c.Fp32Contents.Count > 0 || c.UintContents.Count > 0 || c.IntContents.Count > 0 || c.BytesContents.Count > 0
            || c.Fp64Contents.Count > 0 || c.Int64Contents.Count > 0 || c.Uint64Contents.Count > 0 || c.BoolContents.Count > 0);

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
