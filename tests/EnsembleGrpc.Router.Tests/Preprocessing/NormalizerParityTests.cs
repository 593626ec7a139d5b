using System.Text.Json;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Preprocessing;

/// <summary>
/// The members are trained on tools/train/normalize.py's output: the router must send them the same inputs.
/// Data/normalize-parity.json holds images of every kind with the Python result (tools/handwriting/parity_fixture.py).
/// </summary>
public sealed class NormalizerParityTests
{
    private static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(RepoPaths.Root, "tests", "EnsembleGrpc.Router.Tests", "Preprocessing", "Data", "normalize-parity.json"))).RootElement.GetProperty("cases");

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray())
        {
            names.Add(c.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_router_normalises_like_the_training_pipeline(string name)
    {
        var c = Cases.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        long[] shape = [1, .. c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64())];
        var pixels = Convert.FromBase64String(c.GetProperty("pixels").GetString()!);
        var expected = c.GetProperty("expected").EnumerateArray().Select(v => v.GetSingle()).ToArray();

        var actual = new ImagePreprocessor().Preprocess(ImagePreprocessorTests.Raw("UINT8", shape, pixels), 8).Input!.Values.ToArray();

        // float32 here, float64 in numpy, 5 decimals in the file.
        Assert.True(SyntheticDigits.MaxDifference(expected, actual) < 1e-3f, $"{name}: max difference {SyntheticDigits.MaxDifference(expected, actual)}");
    }
}
