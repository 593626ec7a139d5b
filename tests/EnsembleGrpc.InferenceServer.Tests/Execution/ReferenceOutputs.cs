using System.Text.Json;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

/// <summary>models/data/reference-outputs.json: expected probabilities for the first test images, per member and for the stacker.</summary>
internal sealed class ReferenceOutputs
{
    private ReferenceOutputs(int[] testIndices, int[] labels, Dictionary<string, float[][]> members, string[] stackerMembers, float[][] stacker)
    {
        TestIndices = testIndices;
        Labels = labels;
        Members = members;
        StackerMembers = stackerMembers;
        Stacker = stacker;
    }

    public int[] TestIndices { get; }

    public int[] Labels { get; }

    public Dictionary<string, float[][]> Members { get; }

    /// <summary>Member order of the stacker's input (its [N,30] row is their probabilities concatenated).</summary>
    public string[] StackerMembers { get; }

    public float[][] Stacker { get; }

    public static ReferenceOutputs Load(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        var members = new Dictionary<string, float[][]>();
        foreach (JsonProperty member in root.GetProperty("members").EnumerateObject())
        {
            members[member.Name] = Probabilities(member.Value.GetProperty("probabilities"));
        }

        JsonElement stacker = root.GetProperty("stacker");
        return new ReferenceOutputs(
            root.GetProperty("test_indices").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            root.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            members,
            stacker.GetProperty("members").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            Probabilities(stacker.GetProperty("probabilities")));
    }

    private static float[][] Probabilities(JsonElement rows) =>
        rows.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
}
