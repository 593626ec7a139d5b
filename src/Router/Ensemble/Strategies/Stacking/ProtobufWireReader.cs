using System.Buffers.Binary;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// Reads the protobuf wire format field by field (the four wire types ONNX files use), without generated types:
/// just enough for <see cref="LinearOnnxGraph"/> to read a meta-model's graph. Malformed input throws
/// <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct ProtobufWireReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public int Field { get; private set; }

    public int WireType { get; private set; }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Moves to the next field; false at the end of the data.</summary>
    public bool Next()
    {
        if (AtEnd)
        {
            return false;
        }

        ulong tag = ReadVarint();
        Field = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        if (Field == 0)
        {
            throw new InvalidDataException("protobuf field number 0");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new InvalidDataException("truncated protobuf varint");
            }

            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("protobuf varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new InvalidDataException("protobuf length beyond the end of the data");
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    public float ReadFloat()
    {
        if (_data.Length - _position < 4)
        {
            throw new InvalidDataException("truncated protobuf fixed32");
        }

        float value = BinaryPrimitives.ReadSingleLittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    /// <summary>Skips the current field's value, whatever its wire type.</summary>
    public void Skip()
    {
        switch (WireType)
        {
            case Varint: ReadVarint(); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed64: Advance(8); break;
            case Fixed32: Advance(4); break;
            default: throw new InvalidDataException($"protobuf wire type {WireType} is not supported");
        }
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            throw new InvalidDataException("truncated protobuf field");
        }

        _position += count;
    }
}
