using EnsembleGrpc.Router.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EnsembleGrpc.Router.Observability;

/// <summary>Registers the router's meter; the engine reports each request to it as its <see cref="IRequestObserver"/>.</summary>
public static class RouterObservabilityExtensions
{
    public static IServiceCollection AddRouterObservability(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<RouterObservableInstruments>();
        services.TryAddSingleton<RouterMetrics>();
        services.TryAddSingleton<IRequestObserver>(sp => sp.GetRequiredService<RouterMetrics>());
        return services;
    }
}
