using System.Collections.Concurrent;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Workers;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// Whether each member endpoint serves its model now, found by asking it: one ModelReady call per endpoint and model,
/// all in parallel, each bounded by the probe timeout. Passive signals (breakers, warm-up) only move with traffic, so
/// a router with every worker down and no requests would look ready forever; a probe answers at once. Concurrent
/// callers share one probe, and a result younger than the freshness window is reused, so readiness polls by load
/// balancers and clients never multiply into a storm of calls to the workers. The probe calls go around the
/// resilience pipelines: they count in no statistics and in no breaker.
/// </summary>
public sealed partial class EndpointReachability(IWorkerClient client, TimeProvider timeProvider, ILogger<EndpointReachability> logger, TimeSpan probeTimeout, TimeSpan freshness)
{
    private readonly ConcurrentDictionary<(string Endpoint, string Model, string Version), bool> _last = new();
    private readonly Lock _gate = new();
    private Task<IReadOnlyDictionary<(string Endpoint, string Model, string Version), bool>>? _probe;
    private (RouterModel Model, long At)? _probed;

    /// <summary>Every endpoint, model and version of <paramref name="model"/>'s members: true when it answered ModelReady with ready.</summary>
    public Task<IReadOnlyDictionary<(string Endpoint, string Model, string Version), bool>> ProbeAsync(RouterModel model)
    {
        lock (_gate)
        {
            // The same configuration snapshot, and the probe still in flight or fresh enough: share it. A reload
            // starts a probe of its own, so that every endpoint it names has an answer.
            if (_probe is { } current && _probed is { } last && ReferenceEquals(last.Model, model)
                && (!current.IsCompleted || timeProvider.GetElapsedTime(last.At) < freshness))
            {
                return current;
            }

            _probed = (model, timeProvider.GetTimestamp());
            _probe = Task.Run(() => ProbeAllAsync(model), CancellationToken.None);
            return _probe;
        }
    }

    private async Task<IReadOnlyDictionary<(string Endpoint, string Model, string Version), bool>> ProbeAllAsync(RouterModel model)
    {
        var targets = model.Ensembles.Values.SelectMany(e => e.Members)
            .SelectMany(m => m.Endpoints.Select(endpoint => (Endpoint: endpoint, m.Model, m.Version)))
            .Distinct()
            .ToArray();
        var answers = await Task.WhenAll(targets.Select(ProbeOneAsync)).ConfigureAwait(false);
        var results = new Dictionary<(string Endpoint, string Model, string Version), bool>(targets.Length);
        for (int i = 0; i < targets.Length; i++)
        {
            results[targets[i]] = answers[i];
        }

        return results;
    }

    private async Task<bool> ProbeOneAsync((string Endpoint, string Model, string Version) target)
    {
        using var budget = new CancellationTokenSource(probeTimeout, timeProvider);
        var (ready, reason) = await client.ProbeReadyAsync(target.Endpoint, target.Model, target.Version, probeTimeout, budget.Token).ConfigureAwait(false);
        bool? before = _last.TryGetValue(target, out var previous) ? previous : null;
        _last[target] = ready;
        if (before != ready)
        {
            if (ready)
            {
                Log.Reachable(logger, target.Endpoint, target.Model);
            }
            else
            {
                Log.Unreachable(logger, target.Endpoint, target.Model, reason);
            }
        }

        return ready;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 320, EventName = "WorkerReachable", Level = LogLevel.Information, Message = "Worker {Endpoint} serves {Model}: the readiness probe answered ready.")]
        public static partial void Reachable(ILogger logger, string endpoint, string model);

        [LoggerMessage(EventId = 321, EventName = "WorkerNotReachable", Level = LogLevel.Warning, Message = "Worker {Endpoint} does not serve {Model}: {Reason}.")]
        public static partial void Unreachable(ILogger logger, string endpoint, string model, string reason);
    }
}
