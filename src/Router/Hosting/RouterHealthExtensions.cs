using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// The standard gRPC services beside the inference protocol and the admin service: grpc.health.v1.Health (backed by
/// <see cref="RouterHealthCheck"/>, which ServerReady reads too) and server reflection.
/// </summary>
public static class RouterHealthExtensions
{
    /// <summary>The service name health clients ask for besides "" (the whole router).</summary>
    public const string InferenceServiceName = "inference.GRPCInferenceService";

    /// <summary>Registers the member probe, the health check, the gRPC health service and reflection.</summary>
    public static IServiceCollection AddRouterHealth(this IServiceCollection services)
    {
        services.AddOptions<RouterHealthOptions>().BindConfiguration(RouterHealthOptions.SectionName)
            .Validate(o => o.ProbeTimeoutMs >= 1, $"{RouterHealthOptions.SectionName}:{nameof(RouterHealthOptions.ProbeTimeoutMs)} must be 1 or more.")
            .Validate(o => o.ProbeFreshnessMs >= 0, $"{RouterHealthOptions.SectionName}:{nameof(RouterHealthOptions.ProbeFreshnessMs)} must be 0 or more.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterHealthOptions>>().Value;
            return new EndpointReachability(
                sp.GetRequiredService<IWorkerClient>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<EndpointReachability>>(),
                TimeSpan.FromMilliseconds(options.ProbeTimeoutMs),
                TimeSpan.FromMilliseconds(options.ProbeFreshnessMs));
        });
        services.AddGrpcHealthChecks(o => o.Services.Map(InferenceServiceName, _ => true))
            .AddCheck<RouterHealthCheck>("ensembles", HealthStatus.Unhealthy);
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>Maps grpc.health.v1.Health and grpc.reflection.v1(alpha).ServerReflection.</summary>
    public static IEndpointRouteBuilder MapRouterHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
