using System.Text;
using System.Text.Json;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>
/// A tensor's JSON <c>data</c> (flat or nested arrays, row-major) into the protocol's typed contents for its
/// datatype: the REST binding's rule. Counts and shapes are left to the server's decoder, which knows the model.
/// </summary>
public static class TensorDataReader
{
    /// <summary>Fills <paramref name="tensor"/>'s contents; null, or a message for a 400 answer.</summary>
    public static string? Read(ModelInferRequest.Types.InferInputTensor tensor, JsonElement data)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return $"input '{tensor.Name}' has no \"data\" (and no {RestBinding.BinaryDataSize} parameter for binary data).";
        }

        var contents = new InferTensorContents();
        tensor.Contents = contents;
        Func<JsonElement, bool>? add = tensor.Datatype switch
        {
            "FP32" => e => Number(e) && Add(e.TryGetSingle(out float v), v, contents.Fp32Contents),
            "FP64" => e => Number(e) && Add(e.TryGetDouble(out double v), v, contents.Fp64Contents),
            "INT8" => e => Number(e) && Add(e.TryGetSByte(out sbyte v), (int)v, contents.IntContents),
            "INT16" => e => Number(e) && Add(e.TryGetInt16(out short v), (int)v, contents.IntContents),
            "INT32" => e => Number(e) && Add(e.TryGetInt32(out int v), v, contents.IntContents),
            "INT64" => e => Number(e) && Add(e.TryGetInt64(out long v), v, contents.Int64Contents),
            "UINT8" => e => Number(e) && Add(e.TryGetByte(out byte v), (uint)v, contents.UintContents),
            "UINT16" => e => Number(e) && Add(e.TryGetUInt16(out ushort v), (uint)v, contents.UintContents),
            "UINT32" => e => Number(e) && Add(e.TryGetUInt32(out uint v), v, contents.UintContents),
            "UINT64" => e => Number(e) && Add(e.TryGetUInt64(out ulong v), v, contents.Uint64Contents),
            "BOOL" => e => e.ValueKind is JsonValueKind.True or JsonValueKind.False && Add(true, e.GetBoolean(), contents.BoolContents),
            "BYTES" => e => e.ValueKind == JsonValueKind.String
                && Add(true, Google.Protobuf.ByteString.CopyFrom(e.GetString()!, Encoding.UTF8), contents.BytesContents),
            _ => null,
        };
        if (add is null)
        {
            return $"input '{tensor.Name}': datatype '{tensor.Datatype}' cannot be sent as JSON data"
                + " (JSON takes BOOL, INT8..INT64, UINT8..UINT64, FP32, FP64, BYTES; send FP16 and BF16 as binary data).";
        }

        int index = 0;
        return Walk(data, add, ref index) ? null : $"input '{tensor.Name}': data element {index} is not a {tensor.Datatype} value.";
    }

    /// <summary>Depth-first over nested arrays; false at the first element that does not convert.</summary>
    private static bool Walk(JsonElement element, Func<JsonElement, bool> add, ref int index)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            if (element.ValueKind is JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False && add(element))
            {
                index++;
                return true;
            }

            return false;
        }

        foreach (var item in element.EnumerateArray())
        {
            if (!Walk(item, add, ref index))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Add<T>(bool ok, T value, Google.Protobuf.Collections.RepeatedField<T> target)
    {
        if (ok)
        {
            target.Add(value);
        }

        return ok;
    }

    private static bool Number(JsonElement element) => element.ValueKind == JsonValueKind.Number;
}
