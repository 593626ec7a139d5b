using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// A minimal PNG writer (8-bit grayscale, no filtering) for the upload tests: the test digits become the files a user
/// would pick, without an image library.
/// </summary>
internal static class PngFile
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Gray(ReadOnlySpan<byte> pixels, int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (gray), compression, filter and interlace 0
        Chunk(png, "IHDR", header);
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(pixels.Slice(y * width, width));
            }
        }

        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Each pixel repeated <paramref name="factor"/> times across and down, and inverted when asked (dark on light).</summary>
    public static byte[] Scale(ReadOnlySpan<byte> pixels, int side, int factor, bool invert)
    {
        int big = side * factor;
        var scaled = new byte[big * big];
        for (int y = 0; y < big; y++)
        {
            for (int x = 0; x < big; x++)
            {
                byte p = pixels[(y / factor * side) + (x / factor)];
                scaled[(y * big) + x] = invert ? (byte)(255 - p) : p;
            }
        }

        return scaled;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(typeAndData));
        png.Write(crc);
    }

    private static uint Crc(byte[] bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
