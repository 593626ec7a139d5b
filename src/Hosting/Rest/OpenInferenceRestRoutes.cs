using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace EnsembleGrpc.Hosting.Rest;

/// <summary>
/// The REST binding's paths, one table for the worker and the router. Handlers are plain request delegates: no
/// parameter binding by reflection, bodies read and written by the source-generated and hand-written codecs.
/// </summary>
public static class OpenInferenceRestRoutes
{
    /// <summary>The KServe v2 paths, each model path also under <c>/versions/{version}</c>, plus Triton's config and repository index.</summary>
    public static IEndpointRouteBuilder MapOpenInferenceRest(this IEndpointRouteBuilder endpoints, IOpenInferenceRestApi api)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(api);
        endpoints.MapGet("/v2/health/live", api.LiveAsync);
        endpoints.MapGet("/v2/health/ready", api.ReadyAsync);
        endpoints.MapGet("/v2", api.ServerMetadataAsync);
        endpoints.MapPost("/v2/repository/index", api.RepositoryIndexAsync);
        foreach (string model in new[] { "/v2/models/{name}", "/v2/models/{name}/versions/{version}" })
        {
            endpoints.MapGet(model, api.ModelMetadataAsync);
            endpoints.MapGet(model + "/ready", api.ModelReadyAsync);
            endpoints.MapGet(model + "/config", api.ModelConfigAsync);
            endpoints.MapPost(model + "/infer", api.InferAsync);
        }

        return endpoints;
    }
}
