using System.Buffers.Binary;

namespace InferenceBench;

/// <summary>The committed test split (EGDS: "EGDS", u32 version, u32 count, u32 rows, u32 cols, u8 pixels, u8 labels).</summary>
internal sealed class Dataset
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

    public int ImageSize => Rows * Cols;

    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public static Dataset Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 20 || bytes[0] != 'E' || bytes[1] != 'G' || bytes[2] != 'D' || bytes[3] != 'S')
        {
            throw new InvalidDataException($"{path} is not an EGDS file.");
        }

        var count = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        var rows = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        var cols = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)));
        var pixelBytes = checked(count * rows * cols);
        if (bytes.Length != 20 + pixelBytes + count)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {20 + pixelBytes + count} for {count} images of {rows}x{cols}.");
        }

        return new Dataset(count, rows, cols, bytes.AsSpan(20, pixelBytes).ToArray(), bytes.AsSpan(20 + pixelBytes, count).ToArray());
    }

    /// <summary>Images <paramref name="first"/>.. (wrapping around) as the models' input: pixel / 255, row-major.</summary>
    public float[] Floats(int first, int images)
    {
        var result = new float[images * ImageSize];
        for (var n = 0; n < images; n++)
        {
            var source = Pixels.AsSpan((first + n) % Count * ImageSize, ImageSize);
            var target = result.AsSpan(n * ImageSize, ImageSize);
            for (var i = 0; i < source.Length; i++)
            {
                target[i] = source[i] / 255f;
            }
        }

        return result;
    }
}
