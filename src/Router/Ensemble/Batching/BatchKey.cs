using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble.Batching;

/// <summary>
/// Requests that may share a worker call: the same model and version on the same replicas, with the same timeout,
/// breaker settings and batch limit, on the same lane. Member names may differ (two ensembles can name one model).
/// </summary>
internal readonly record struct BatchKey(string Model, string Version, string Endpoints, TimeSpan Timeout, BreakerModel Breaker, int MaxRows, CallLane Lane)
{
    public static BatchKey Of(MemberModel member, EnsembleModel ensemble, CallLane lane) =>
        new(member.Model, member.Version, member.Endpoints.Count == 1 ? member.Endpoints[0] : string.Join('\n', member.Endpoints),
            ensemble.Timeout, ensemble.Breaker, ensemble.MaxBatchSize, lane);
}
