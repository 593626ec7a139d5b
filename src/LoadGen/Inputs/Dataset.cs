using System.Buffers.Binary;
using System.Text;

namespace EnsembleGrpc.LoadGen.Inputs;

/// <summary>
/// The committed evaluation split (models/data/*.bin): "EGDS", u32 version 1, u32 count, u32 rows, u32 cols,
/// count*rows*cols uint8 pixels, count uint8 labels (little-endian).
/// </summary>
public sealed class Dataset
{
    private Dataset(int count, int rows, int cols, byte[] pixels, byte[] labels)
    {
        Count = count;
        Rows = rows;
        Cols = cols;
        Pixels = pixels;
        Labels = labels;
    }

    public int Count { get; }

    public int Rows { get; }

    public int Cols { get; }

    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public static Dataset Load(string path) => Parse(File.ReadAllBytes(path), path);

    public static Dataset Parse(ReadOnlySpan<byte> data, string name = "dataset")
    {
        const int header = 20;
        if (data.Length < header || !data[..4].SequenceEqual("EGDS"u8))
        {
            throw new InvalidDataException($"{name}: not an EGDS data set (expected the magic \"EGDS\").");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (version != 1)
        {
            throw new InvalidDataException($"{name}: EGDS version {version} is not supported (expected 1).");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        var rows = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        var cols = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        var pixelBytes = (long)count * rows * cols;
        if (count == 0 || rows == 0 || cols == 0 || header + pixelBytes + count != data.Length)
        {
            throw new InvalidDataException(
                $"{name}: header says {count} images of {rows}x{cols}, which needs {header + pixelBytes + count} bytes; the file has {data.Length}.");
        }

        var pixels = data.Slice(header, (int)pixelBytes).ToArray();
        var labels = data.Slice(header + (int)pixelBytes, (int)count).ToArray();
        return new Dataset((int)count, (int)rows, (int)cols, pixels, labels);
    }

    /// <summary>Writes a data set in the same format (tests, tools).</summary>
    public static byte[] Serialize(int rows, int cols, byte[] pixels, byte[] labels)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true))
        {
            writer.Write("EGDS"u8);
            writer.Write(1u);
            writer.Write((uint)labels.Length);
            writer.Write((uint)rows);
            writer.Write((uint)cols);
            writer.Write(pixels);
            writer.Write(labels);
        }

        return stream.ToArray();
    }
}
