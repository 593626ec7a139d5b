using System.Text.Json;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>An output a REST request asks for; <c>parameters.binary_data</c> asks for it as binary data.</summary>
public sealed class RestRequestedOutput
{
    public string? Name { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }
}
