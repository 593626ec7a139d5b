using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Resilience;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// The router's readiness, read by grpc.health.v1.Health and by ServerReady: healthy only while every ensemble it
/// serves has at least its quorum of members reachable (a member is reachable when one of its endpoints answers
/// ModelReady with ready, see <see cref="EndpointReachability"/>). Below quorum the ensemble could only answer with
/// errors, so a load balancer should send the traffic to another router.
/// </summary>
internal sealed class RouterHealthCheck(RoutingConfigProvider config, EndpointReachability reachability) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var model = config.Current;
        if (model.Ensembles.Count == 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "no ensemble is configured");
        }

        var reachable = await reachability.ProbeAsync(model).WaitAsync(cancellationToken).ConfigureAwait(false);
        var below = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var ensemble in model.Ensembles.Values)
        {
            int up = ensemble.Members.Count(m => m.Endpoints.Any(e => reachable.GetValueOrDefault((e, m.Model, m.Version))));
            data[ensemble.Name] = $"{up}/{ensemble.Members.Count} members reachable, quorum {ensemble.Quorum}";
            if (up < ensemble.Quorum)
            {
                below.Add($"{ensemble.Name} ({up} of {ensemble.Members.Count} members reachable, quorum {ensemble.Quorum})");
            }
        }

        return below.Count == 0
            ? HealthCheckResult.Healthy("every ensemble has its quorum of members reachable", data)
            : new HealthCheckResult(context.Registration.FailureStatus, "below quorum: " + string.Join("; ", below), data: data);
    }
}
