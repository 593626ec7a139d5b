using System.Buffers.Binary;
using EnsembleGrpc.Protocol;
using Google.Protobuf.Collections;

namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>Reads what LoadGen needs from a ModelInferResponse: the router's parameters and the argmax of each row.</summary>
internal static class ResponseReader
{
    public static InferOutcome Read(ModelInferResponse response, string? outputName)
    {
        var parameters = response.Parameters;
        return new InferOutcome
        {
            Status = global::Grpc.Core.StatusCode.OK,
            RequestId = string.IsNullOrEmpty(response.Id) ? null : response.Id,
            Strategy = String(parameters, "ensemble_strategy"),
            Arm = String(parameters, "arm"),
            Fallback = Bool(parameters, "fallback"),
            FallbackReason = String(parameters, "fallback_reason"),
            MembersAnswered = Int(parameters, "members_answered"),
            Predictions = Predictions(response, outputName),
        };
    }

    internal static int[]? Predictions(ModelInferResponse response, string? outputName)
    {
        var index = -1;
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            if (outputName is null || response.Outputs[i].Name == outputName)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return null;
        }

        var output = response.Outputs[index];
        if (output.Datatype != "FP32" || output.Shape.Count == 0)
        {
            return null;
        }

        var rows = output.Shape.Count == 1 ? 1 : (int)output.Shape[0];
        if (rows <= 0)
        {
            return null;
        }

        if (index < response.RawOutputContents.Count)
        {
            var bytes = response.RawOutputContents[index].Span;
            var count = bytes.Length / 4;
            if (count == 0 || count % rows != 0)
            {
                return null;
            }

            var classes = count / rows;
            var predictions = new int[rows];
            for (var r = 0; r < rows; r++)
            {
                var best = float.NegativeInfinity;
                for (var c = 0; c < classes; c++)
                {
                    var v = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(((r * classes) + c) * 4, 4));
                    if (v > best)
                    {
                        best = v;
                        predictions[r] = c;
                    }
                }
            }

            return predictions;
        }

        if (output.Contents is { } contents && contents.Fp32Contents.Count > 0 && contents.Fp32Contents.Count % rows == 0)
        {
            var values = contents.Fp32Contents;
            var classes = values.Count / rows;
            var predictions = new int[rows];
            for (var r = 0; r < rows; r++)
            {
                var best = float.NegativeInfinity;
                for (var c = 0; c < classes; c++)
                {
                    if (values[(r * classes) + c] > best)
                    {
                        best = values[(r * classes) + c];
                        predictions[r] = c;
                    }
                }
            }

            return predictions;
        }

        return null;
    }

    private static string? String(MapField<string, InferParameter> parameters, string name)
        => parameters.TryGetValue(name, out var p) && p.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.StringParam ? p.StringParam : null;

    private static bool Bool(MapField<string, InferParameter> parameters, string name)
        => parameters.TryGetValue(name, out var p) && p.ParameterChoiceCase switch
        {
            InferParameter.ParameterChoiceOneofCase.BoolParam => p.BoolParam,
            InferParameter.ParameterChoiceOneofCase.StringParam => p.StringParam == "true",
            _ => false,
        };

    private static long? Int(MapField<string, InferParameter> parameters, string name)
    {
        if (!parameters.TryGetValue(name, out var p))
        {
            return null;
        }

        return p.ParameterChoiceCase switch
        {
            InferParameter.ParameterChoiceOneofCase.Int64Param => p.Int64Param,
            InferParameter.ParameterChoiceOneofCase.Uint64Param => (long)p.Uint64Param,
            _ => null,
        };
    }
}
