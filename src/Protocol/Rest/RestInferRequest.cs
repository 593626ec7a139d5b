using System.Text.Json;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>The JSON body of <c>POST /v2/models/{name}/infer</c> (KServe v2 REST), as read; validated by <see cref="RestInferRequestReader"/>.</summary>
public sealed class RestInferRequest
{
    public string? Id { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public List<RestInputTensor>? Inputs { get; set; }

    public List<RestRequestedOutput>? Outputs { get; set; }
}
