using System.Buffers;
using System.Buffers.Binary;

namespace EnsembleGrpc.Grpc.Internal;

/// <summary>
/// The length-prefixed message framing of gRPC: a 1-byte compressed flag and a 4-byte big-endian length, then the
/// payload. Pure functions over buffers, shared by the server and the client.
/// </summary>
internal static class MessageFraming
{
    /// <summary>Writes the 5-byte prefix into <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>
    /// Reads a frame prefix from the start of <paramref name="buffer"/>, which may be split across segments.
    /// Returns false when fewer than 5 bytes are buffered. The length limit is checked here, before any payload is
    /// buffered, so a hostile length prefix never makes us allocate.
    /// </summary>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, int maxMessageSize, out FrameHeader header)
    {
        if (buffer.Length < GrpcProtocolConstants.HeaderSize)
        {
            header = default;
            return false;
        }

        Span<byte> prefix = stackalloc byte[GrpcProtocolConstants.HeaderSize];
        buffer.Slice(0, GrpcProtocolConstants.HeaderSize).CopyTo(prefix);
        header = ParseHeader(prefix, maxMessageSize);
        return true;
    }

    /// <summary>Parses a complete 5-byte prefix; throws <see cref="FramingException"/> on a bad flag or an oversize length.</summary>
    public static FrameHeader ParseHeader(ReadOnlySpan<byte> prefix, int maxMessageSize)
    {
        var flag = prefix[0];
        if (flag > 1)
        {
            throw new FramingException(FramingError.InvalidCompressedFlag, $"Invalid compressed flag {flag} in message prefix; expected 0 or 1.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        if (length > (uint)maxMessageSize)
        {
            throw new FramingException(FramingError.MessageTooLarge, $"Received message larger than max ({length} vs. {maxMessageSize})");
        }

        return new FrameHeader(flag == 1, (int)length);
    }

    /// <summary>
    /// Tries to take one complete message from <paramref name="buffer"/>: on success, <paramref name="payload"/> is the
    /// message body (still framed data sliced, not copied) and <paramref name="consumed"/> the position after it.
    /// </summary>
    public static bool TryReadMessage(in ReadOnlySequence<byte> buffer, int maxMessageSize, out FrameHeader header, out ReadOnlySequence<byte> payload, out SequencePosition consumed)
    {
        if (!TryReadHeader(buffer, maxMessageSize, out header))
        {
            payload = default;
            consumed = buffer.Start;
            return false;
        }

        var total = GrpcProtocolConstants.HeaderSize + (long)header.Length;
        if (buffer.Length < total)
        {
            payload = default;
            consumed = buffer.Start;
            return false;
        }

        payload = buffer.Slice(GrpcProtocolConstants.HeaderSize, header.Length);
        consumed = payload.End;
        return true;
    }
}
