using System.Text.Json.Serialization;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>
/// Source-generated (de)serializers for the REST binding: no reflection at run time. Names are snake_case, as the
/// protocol writes them (model_name, binary_data_size).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(RestInferRequest))]
[JsonSerializable(typeof(RestModelMetadata))]
[JsonSerializable(typeof(RestServerMetadata))]
[JsonSerializable(typeof(IReadOnlyList<RestRepositoryIndexEntry>))]
public sealed partial class RestJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context to write with: the generated options plus the relaxed encoder (bodies are application/json, never
    /// HTML, so quotes and non-ASCII letters stay readable instead of \u escapes).
    /// </summary>
    public static RestJsonContext Web { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
