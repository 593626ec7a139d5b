using System.Text.Json;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>One input of a REST request: <c>data</c> is a flat or nested JSON array, row-major; absent when the tensor travels as binary data.</summary>
public sealed class RestInputTensor
{
    public string? Name { get; set; }

    public string? Datatype { get; set; }

    public List<long>? Shape { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public JsonElement Data { get; set; }
}
