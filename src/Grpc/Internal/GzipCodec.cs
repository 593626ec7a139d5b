using System.Buffers;
using System.IO.Compression;

namespace EnsembleGrpc.Grpc.Internal;

/// <summary>gzip message compression (<c>grpc-encoding: gzip</c>), with the receive limit enforced on the inflated size.</summary>
internal static class GzipCodec
{
    public static byte[] Compress(ReadOnlySpan<byte> payload)
    {
        using var output = new MemoryStream(payload.Length / 2 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>Inflates a message; a result over <paramref name="maxMessageSize"/> is a RESOURCE_EXHAUSTED framing error.</summary>
    public static byte[] Decompress(in ReadOnlySequence<byte> compressed, int maxMessageSize)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxMessageSize)
                {
                    throw new FramingException(FramingError.MessageTooLarge, $"Received message larger than max (decompressed size exceeds {maxMessageSize})");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new FramingException(FramingError.TruncatedMessage, "Compressed message is not valid gzip: " + ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return output.ToArray();
    }
}
