using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>Source-generated JSON of the page's endpoints: snake_case like the protocol's JSON, no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PageModelList))]
[JsonSerializable(typeof(PageAnswer))]
[JsonSerializable(typeof(PageStatistics))]
[JsonSerializable(typeof(PageFeedbackRequest))]
[JsonSerializable(typeof(PageFeedbackAnswer))]
public sealed partial class PageJsonContext : JsonSerializerContext;
