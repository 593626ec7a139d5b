using System.Buffers.Binary;

namespace EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

/// <summary>
/// models/data/mnist-test.bin: "EGDS", u32 version (1), u32 count, u32 rows, u32 cols (little-endian), then
/// count*rows*cols uint8 pixels and count uint8 labels. Models take pixel / 255f as fp32 [N,1,rows,cols].
/// </summary>
internal sealed class MnistTestSet
{
    private readonly byte[] _pixels;

    private MnistTestSet(int count, int rows, int columns, byte[] pixels, byte[] labels)
    {
        Count = count;
        Rows = rows;
        Columns = columns;
        _pixels = pixels;
        Labels = labels;
    }

    public int Count { get; }

    public int Rows { get; }

    public int Columns { get; }

    public byte[] Labels { get; }

    public int ImageSize => Rows * Columns;

    public static MnistTestSet Load(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = file;
        if (!span[..4].SequenceEqual("EGDS"u8) || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != 1)
        {
            throw new InvalidDataException($"{path} is not an EGDS version 1 file.");
        }

        int count = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(span[8..]));
        int rows = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(span[12..]));
        int columns = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(span[16..]));
        int pixelBytes = count * rows * columns;
        if (file.Length != 20 + pixelBytes + count)
        {
            throw new InvalidDataException($"{path}: expected {20 + pixelBytes + count} bytes, found {file.Length}.");
        }

        return new MnistTestSet(count, rows, columns, span.Slice(20, pixelBytes).ToArray(), span.Slice(20 + pixelBytes, count).ToArray());
    }

    /// <summary>Images [first, first+count) as model input: pixel / 255f, row-major [count,1,rows,cols].</summary>
    public float[] Inputs(int first, int count)
    {
        var inputs = new float[count * ImageSize];
        ReadOnlySpan<byte> pixels = _pixels.AsSpan(first * ImageSize, count * ImageSize);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = pixels[i] / 255f;
        }

        return inputs;
    }
}
