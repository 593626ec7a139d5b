using System.Text.Json;

namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>Reading the JSON answer a peer printed (tests/interop/inference_client.py and node/client.js print the same).</summary>
internal static class PeerAnswers
{
    public static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    public static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    /// <summary>The part of the answer for one call, failing with the peer's error when the call failed.</summary>
    public static JsonElement Call(JsonElement answer, string name)
    {
        var call = answer.GetProperty(name);
        if (call.TryGetProperty("error", out var error))
        {
            Assert.Fail($"the {name} call failed: {error.GetProperty("code").GetString()}: {error.GetProperty("details").GetString()}");
        }

        return call;
    }

    /// <summary>One tensor of ModelMetadata's inputs or outputs, by name.</summary>
    public static void AssertTensor(JsonElement tensors, string name, string datatype, long[] shape)
    {
        var tensor = tensors.EnumerateArray().SingleOrDefault(t => t.GetProperty("name").GetString() == name);
        Assert.True(tensor.ValueKind == JsonValueKind.Object, $"no tensor '{name}' in {tensors.GetRawText()}");
        Assert.Equal(datatype, tensor.GetProperty("datatype").GetString());
        Assert.Equal(shape, tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    /// <summary>Live, ready, and SERVING for the server ("") and the inference service.</summary>
    public static void AssertServing(JsonElement answer)
    {
        Assert.True(answer.GetProperty("live").GetBoolean(), "ServerLive");
        Assert.True(answer.GetProperty("ready").GetBoolean(), "ServerReady");
        var health = answer.GetProperty("health");
        Assert.Equal("SERVING", health.GetProperty("").GetString());
        Assert.Equal("SERVING", health.GetProperty("inference.GRPCInferenceService").GetString());
    }
}
