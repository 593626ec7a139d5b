using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// The standard gRPC services beside the inference protocol: grpc.health.v1.Health (backed by
/// <see cref="WorkerHealthCheck"/>) and server reflection (so grpcurl-style tools list and describe the services).
/// </summary>
public static class WorkerHealthExtensions
{
    /// <summary>The service name health clients ask for besides "" (the whole server).</summary>
    public const string InferenceServiceName = "inference.GRPCInferenceService";

    /// <summary>Registers the health check, the gRPC health service and reflection.</summary>
    public static IServiceCollection AddWorkerHealth(this IServiceCollection services)
    {
        services.AddGrpcHealthChecks(o => o.Services.Map(InferenceServiceName, _ => true))
            .AddCheck<WorkerHealthCheck>("models", HealthStatus.Unhealthy);
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>Maps grpc.health.v1.Health and grpc.reflection.v1(alpha).ServerReflection.</summary>
    public static IEndpointRouteBuilder MapWorkerHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
