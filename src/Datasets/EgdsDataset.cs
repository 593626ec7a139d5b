using System.Buffers.Binary;
using System.Text;

namespace EnsembleGrpc.Datasets;

/// <summary>
/// A committed evaluation split (models/data/*.bin, written by tools/train): "EGDS", u32 version 1, u32 count,
/// u32 rows, u32 cols, count*rows*cols uint8 pixels (image after image, row-major), count uint8 labels; little-endian.
/// Models take pixel / 255f as fp32 [N,1,rows,cols]: the training pipeline quantised its data the same way, so these
/// inputs are exactly the ones the recorded accuracies were computed on.
/// </summary>
public sealed class EgdsDataset
{
    private const int HeaderSize = 20;

    private EgdsDataset(int count, int rows, int cols, byte[] pixels, byte[] labels)
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

    /// <summary>Pixels per image.</summary>
    public int ImageSize => Rows * Cols;

    /// <summary>All pixels, image after image.</summary>
    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public static EgdsDataset Load(string path) => Parse(File.ReadAllBytes(path), path);

    public static EgdsDataset Parse(ReadOnlySpan<byte> data, string name = "dataset")
    {
        if (data.Length < HeaderSize || !data[..4].SequenceEqual("EGDS"u8))
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
        if (count == 0 || rows == 0 || cols == 0 || HeaderSize + pixelBytes + count != data.Length)
        {
            throw new InvalidDataException(
                $"{name}: header says {count} images of {rows}x{cols}, which needs {HeaderSize + pixelBytes + count} bytes; the file has {data.Length}.");
        }

        var pixels = data.Slice(HeaderSize, (int)pixelBytes).ToArray();
        var labels = data.Slice(HeaderSize + (int)pixelBytes, (int)count).ToArray();
        return new EgdsDataset((int)count, (int)rows, (int)cols, pixels, labels);
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

    /// <summary>The raw pixels of images [first, first + count).</summary>
    public ReadOnlySpan<byte> Images(int first, int count) => Pixels.AsSpan(first * ImageSize, count * ImageSize);

    /// <summary>Images [first, first + count) as model input: pixel / 255f, row-major [count,1,rows,cols].</summary>
    public float[] ToModelInput(int first, int count)
    {
        var pixels = Images(first, count);
        var inputs = new float[pixels.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = pixels[i] / 255f;
        }

        return inputs;
    }
}
