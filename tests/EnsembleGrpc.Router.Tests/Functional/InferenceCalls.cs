using System.Runtime.InteropServices;
using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>Request builders and response readers for the functional tests.</summary>
internal static class InferenceCalls
{
    public static ModelInferRequest Fp32(string model, float[] data, int batch, string? strategy = null, string? routingKey = null, string? id = null)
    {
        var request = new ModelInferRequest { ModelName = model, Id = id ?? "" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        input.Shape.AddRange([batch, 1, 28, 28]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan())));
        AddParameters(request, strategy, routingKey);
        return request;
    }

    public static ModelInferRequest Uint8(string model, byte[] pixels, long[] shape, string? strategy = null)
    {
        var request = new ModelInferRequest { ModelName = model };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "UINT8" };
        input.Shape.AddRange(shape);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(pixels));
        AddParameters(request, strategy, null);
        return request;
    }

    public static int[] Predictions(ModelInferResponse response)
    {
        int index = response.Outputs.Select((o, i) => (o, i)).First(x => x.o.Name == "predictions").i;
        return MemoryMarshal.Cast<byte, long>(response.RawOutputContents[index].Span).ToArray().Select(v => (int)v).ToArray();
    }

    /// <summary>The member's probabilities, from a worker's response.</summary>
    public static float[] Probabilities(ModelInferResponse response)
    {
        int index = response.Outputs.Select((o, i) => (o, i)).First(x => x.o.Name == "probabilities").i;
        return MemoryMarshal.Cast<byte, float>(response.RawOutputContents[index].Span).ToArray();
    }

    public static string Str(ModelInferResponse response, string name) => response.Parameters[name].StringParam;

    public static bool Fallback(ModelInferResponse response) => response.Parameters["fallback"].BoolParam;

    public static long Answered(ModelInferResponse response) => response.Parameters["members_answered"].Int64Param;

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static void AddParameters(ModelInferRequest request, string? strategy, string? routingKey)
    {
        if (strategy is not null)
        {
            request.Parameters["ensemble_strategy"] = new InferParameter { StringParam = strategy };
        }

        if (routingKey is not null)
        {
            request.Parameters["routing_key"] = new InferParameter { StringParam = routingKey };
        }
    }
}
