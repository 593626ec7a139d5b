using EnsembleGrpc.InferenceServer.Repository;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// The worker's readiness as an ASP.NET Core health check, read by grpc.health.v1.Health: healthy exactly when
/// ServerReady answers true (every model READY), unhealthy while loading, after a model failed to load, and from the
/// moment shutdown begins (models UNLOADING), so a load balancer and the Open Inference Protocol never disagree.
/// </summary>
internal sealed class WorkerHealthCheck(ModelManager models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (models.AllReady)
        {
            return Task.FromResult(HealthCheckResult.Healthy("every model is READY"));
        }

        var notReady = string.Join(", ", models.Models.Where(m => !m.IsReady).Select(m => m.Name));
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"not READY: {notReady}"));
    }
}
