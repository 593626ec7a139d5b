using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Frontend.Page.Contracts;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Traffic;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// The dashboard's snapshot, read from the same counters and endpoint states as RouterAdmin's GetStatistics
/// (<see cref="StatisticsMapper"/>), for the arms and members of the configuration in force (weights as routed now).
/// </summary>
public static class PageStatisticsBuilder
{
    /// <param name="rollouts">The rollout of an ensemble by name, or null (none started); null: no rollouts shown.</param>
    public static PageStatistics Build(RouterModel view, TrafficStatistics statistics, EndpointRegistry endpoints, long timeMs, Func<string, RolloutView?>? rollouts = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(endpoints);
        return new PageStatistics(timeMs, view.Version, [.. view.Ensembles.Values.Select(e => Ensemble(e, statistics, endpoints, rollouts?.Invoke(e.Name)))]);
    }

    private static PageEnsembleStatistics Ensemble(EnsembleModel ensemble, TrafficStatistics statistics, EndpointRegistry endpoints, RolloutView? rollout)
    {
        int total = ensemble.TotalWeight;
        var arms = ensemble.Arms.Select(arm => Arm(arm, total, statistics.Arm(ensemble.Name, arm.Name))).ToList();
        var shadow = ensemble.Shadow is { } s ? Shadow(s, statistics.Shadow(ensemble.Name)) : null;
        var members = ensemble.Members.Select(m => new PageMemberStatistics(
            m.Name, statistics.MemberFailures(ensemble.Name, m.Name),
            [.. m.Endpoints.Select(address => Endpoint(address, endpoints.Find(address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker))))])).ToList();
        return new PageEnsembleStatistics(ensemble.Name, arms, shadow, members, rollout is null ? null : PageRolloutMapper.ToPage(rollout));
    }

    private static PageArmStatistics Arm(ArmModel arm, int totalWeight, ArmCounters counters) => new(
        arm.Name,
        arm.Strategy,
        arm.Weight,
        totalWeight == 0 ? 0 : (double)arm.Weight / totalWeight,
        counters.Requests,
        counters.Errors,
        counters.Rejections,
        counters.Fallbacks,
        counters.FallbackReasons,
        Latency(counters.Latency),
        counters.FeedbackRows,
        counters.FeedbackCorrect,
        counters.OnlineAccuracy);

    private static PageShadowStatistics Shadow(ShadowModel shadow, ShadowCounters counters) => new(
        shadow.Arm.Name, shadow.SamplePercent, counters.Enqueued, counters.Dropped, counters.Completed, counters.Errors,
        counters.ComparedRows, counters.AgreedRows, counters.Agreement);

    // An endpoint never called yet has no pipeline; its breaker is closed by definition (as in GetStatistics).
    private static PageEndpointStatistics Endpoint(string address, EndpointState? state) => new(
        address, state is null ? "closed" : BreakerStates.ToKey(state.BreakerState), state?.Successes ?? 0, state?.Failures ?? 0, state?.InFlight ?? 0);

    private static PageLatency Latency(LatencyRecorder recorder)
    {
        var snapshot = recorder.Snapshot();
        double[] p = recorder.Percentiles(0.50, 0.95, 0.99);
        return new PageLatency(snapshot.Count, p[0], p[1], p[2], snapshot.MaxMs);
    }
}
