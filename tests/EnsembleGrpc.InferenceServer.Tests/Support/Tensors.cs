using System.Runtime.InteropServices;
using EnsembleGrpc.Protocol;
using Google.Protobuf;

namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>Builds protocol requests and reads protocol responses.</summary>
public static class Tensors
{
    public static ModelInferRequest Raw(string model, string input, float[] values, params long[] shape)
    {
        var request = new ModelInferRequest { ModelName = model, Id = $"raw-{shape[0]}" };
        request.Inputs.Add(Input(input, "FP32", shape));
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())));
        return request;
    }

    public static ModelInferRequest Typed(string model, string input, float[] values, params long[] shape)
    {
        var request = new ModelInferRequest { ModelName = model, Id = $"typed-{shape[0]}" };
        var tensor = Input(input, "FP32", shape);
        tensor.Contents = new InferTensorContents();
        tensor.Contents.Fp32Contents.Add(values);
        request.Inputs.Add(tensor);
        return request;
    }

    public static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, params long[] shape)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        tensor.Shape.Add(shape);
        return tensor;
    }

    /// <summary>Output <paramref name="index"/> of a response as floats, whether it came raw or typed.</summary>
    public static float[] Output(ModelInferResponse response, int index = 0)
        => response.RawOutputContents.Count > 0
            ? MemoryMarshal.Cast<byte, float>(response.RawOutputContents[index].Span).ToArray()
            : [.. response.Outputs[index].Contents.Fp32Contents];

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}
