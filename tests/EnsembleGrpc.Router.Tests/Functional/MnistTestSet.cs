using System.Buffers.Binary;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>The committed test split (models/data/mnist-test.bin: "EGDS", version 1, count, rows, cols, pixels, labels).</summary>
internal sealed class MnistTestSet
{
    private MnistTestSet(int count, int rows, int cols, byte[] pixels, byte[] labels)
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

    public int ImageSize => Rows * Cols;

    public static MnistTestSet Load()
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin"));
        if (bytes.Length < 20 || bytes[0] != 'E' || bytes[1] != 'G' || bytes[2] != 'D' || bytes[3] != 'S')
        {
            throw new InvalidDataException("mnist-test.bin does not start with EGDS");
        }

        var span = bytes.AsSpan();
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        int rows = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
        int cols = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        if (version != 1)
        {
            throw new InvalidDataException($"mnist-test.bin version {version}, expected 1");
        }

        var pixels = span.Slice(20, count * rows * cols).ToArray();
        var labels = span.Slice(20 + count * rows * cols, count).ToArray();
        return new MnistTestSet(count, rows, cols, pixels, labels);
    }

    public ReadOnlySpan<byte> Images(int start, int count) => Pixels.AsSpan(start * ImageSize, count * ImageSize);

    public float[] Normalised(int start, int count) => Images(start, count).ToArray().Select(p => p / 255f).ToArray();
}
