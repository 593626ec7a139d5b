using EnsembleGrpc.Hosting.Rest;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EnsembleGrpc.Router.Frontend.Rest;

/// <summary>Registers and maps the router's REST binding (<see cref="RouterRestApi"/>).</summary>
public static class RouterRestEndpoints
{
    public static IServiceCollection AddRouterRest(this IServiceCollection services)
    {
        services.TryAddSingleton<RestListener>();
        services.TryAddSingleton<RouterRestApi>();
        return services;
    }

    /// <summary>The paths of <see cref="OpenInferenceRestRoutes"/>, answered by <see cref="RouterRestApi"/>.</summary>
    public static IEndpointRouteBuilder MapRouterRest(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapOpenInferenceRest(endpoints.ServiceProvider.GetRequiredService<RouterRestApi>());
    }
}
