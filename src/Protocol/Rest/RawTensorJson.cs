using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>Raw tensor bytes (row-major, little-endian, as in raw_output_contents) written as JSON values of their datatype.</summary>
public static class RawTensorJson
{
    public static void WriteValues(Utf8JsonWriter json, string datatype, ReadOnlySpan<byte> raw)
    {
        ArgumentNullException.ThrowIfNull(json);
        switch (datatype)
        {
            case "FP32": Each(json, raw, 4, static (j, b) => Float(j, BinaryPrimitives.ReadSingleLittleEndian(b))); break;
            case "FP64": Each(json, raw, 8, static (j, b) => Float(j, BinaryPrimitives.ReadDoubleLittleEndian(b))); break;
            case "FP16": Each(json, raw, 2, static (j, b) => Float(j, (double)BinaryPrimitives.ReadHalfLittleEndian(b))); break;
            case "BF16": Each(json, raw, 2, static (j, b) => Float(j, BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16))); break;
            case "INT8": Each(json, raw, 1, static (j, b) => j.WriteNumberValue((sbyte)b[0])); break;
            case "INT16": Each(json, raw, 2, static (j, b) => j.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(b))); break;
            case "INT32": Each(json, raw, 4, static (j, b) => j.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(b))); break;
            case "INT64": Each(json, raw, 8, static (j, b) => j.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(b))); break;
            case "UINT8": Each(json, raw, 1, static (j, b) => j.WriteNumberValue(b[0])); break;
            case "UINT16": Each(json, raw, 2, static (j, b) => j.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(b))); break;
            case "UINT32": Each(json, raw, 4, static (j, b) => j.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(b))); break;
            case "UINT64": Each(json, raw, 8, static (j, b) => j.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(b))); break;
            case "BOOL": Each(json, raw, 1, static (j, b) => j.WriteBooleanValue(b[0] != 0)); break;
            case "BYTES": WriteBytes(json, raw); break;
            default: throw new ArgumentException($"datatype '{datatype}' has no JSON form", nameof(datatype));
        }
    }

    private delegate void ElementWriter(Utf8JsonWriter json, ReadOnlySpan<byte> element);

    private static void Each(Utf8JsonWriter json, ReadOnlySpan<byte> raw, int size, ElementWriter write)
    {
        for (int offset = 0; offset + size <= raw.Length; offset += size)
        {
            write(json, raw.Slice(offset, size));
        }
    }

    // JSON has no NaN or infinity: such a value is written as null rather than failing the whole answer.
    private static void Float(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void Float(Utf8JsonWriter json, float value)
    {
        if (float.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    // Raw BYTES: each element is a 4-byte little-endian length and that many bytes.
    private static void WriteBytes(Utf8JsonWriter json, ReadOnlySpan<byte> raw)
    {
        while (raw.Length >= 4)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(raw);
            if (length < 0 || length > raw.Length - 4)
            {
                return;
            }

            json.WriteStringValue(Encoding.UTF8.GetString(raw.Slice(4, length)));
            raw = raw[(4 + length)..];
        }
    }
}
