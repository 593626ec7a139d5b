using EnsembleGrpc.Hosting.Rest;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EnsembleGrpc.InferenceServer.Frontend.Rest;

/// <summary>Registers and maps the worker's REST binding (<see cref="WorkerRestApi"/>).</summary>
public static class WorkerRestEndpoints
{
    public static IServiceCollection AddWorkerRest(this IServiceCollection services)
    {
        services.TryAddSingleton<RestListener>();
        services.TryAddSingleton<WorkerRestApi>();
        return services;
    }

    /// <summary>The paths of <see cref="OpenInferenceRestRoutes"/>, answered by <see cref="WorkerRestApi"/>.</summary>
    public static IEndpointRouteBuilder MapWorkerRest(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapOpenInferenceRest(endpoints.ServiceProvider.GetRequiredService<WorkerRestApi>());
    }
}
