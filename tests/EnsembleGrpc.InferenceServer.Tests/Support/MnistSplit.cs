using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>The committed EGDS test split: images as model input (pixel / 255f) and labels.</summary>
public sealed class MnistSplit
{
    public const int Pixels = 28 * 28;

    private MnistSplit(float[] images, byte[] labels)
    {
        Images = images;
        Labels = labels;
    }

    /// <summary>All images, flat, <see cref="Pixels"/> floats each.</summary>
    public float[] Images { get; }

    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public static MnistSplit Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal("EGDS", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        Assert.Equal(28u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(28u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(20 + (count * (Pixels + 1)), bytes.Length);
        var images = new float[count * Pixels];
        for (var i = 0; i < images.Length; i++)
        {
            images[i] = bytes[20 + i] / 255f;
        }

        return new MnistSplit(images, bytes.AsSpan(20 + (count * Pixels), count).ToArray());
    }

    public float[] Slice(int start, int count) => Images.AsSpan(start * Pixels, count * Pixels).ToArray();

    /// <summary>config.json's training.test_correct for <paramref name="model"/>.</summary>
    public static int ExpectedTestCorrect(string model)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Models, model, "config.json")));
        return config.RootElement.GetProperty("training").GetProperty("test_correct").GetInt32();
    }

    public static IReadOnlyList<string> Members(string stacker)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Models, stacker, "config.json")));
        return [.. config.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)];
    }
}
