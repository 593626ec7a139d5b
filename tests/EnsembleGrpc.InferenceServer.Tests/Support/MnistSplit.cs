using System.Text.Json;
using EnsembleGrpc.Datasets;

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
        var dataset = EgdsDataset.Load(path);
        Assert.Equal(Pixels, dataset.ImageSize);
        return new MnistSplit(dataset.ToModelInput(0, dataset.Count), dataset.Labels);
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
