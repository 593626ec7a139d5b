using EnsembleGrpc.Hosting.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EnsembleGrpc.Router.Frontend.Rest;

/// <summary>
/// Registers and maps the router's REST binding (<see cref="RouterRestApi"/>). Handlers are plain request delegates:
/// no parameter binding by reflection, bodies read and written by the source-generated and hand-written codecs.
/// </summary>
public static class RouterRestEndpoints
{
    public static IServiceCollection AddRouterRest(this IServiceCollection services)
    {
        services.TryAddSingleton<RestListener>();
        services.TryAddSingleton<RouterRestApi>();
        return services;
    }

    /// <summary>The KServe v2 paths, each model path also under <c>/versions/{version}</c>, plus Triton's config and repository index.</summary>
    public static IEndpointRouteBuilder MapRouterRest(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.ServiceProvider.GetRequiredService<RouterRestApi>();
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
