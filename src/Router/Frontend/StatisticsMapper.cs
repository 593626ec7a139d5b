using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Traffic;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// Builds the admin statistics message from the counters, for the arms and members of the active config, and the
/// Open Inference Protocol's ModelStatistics of an ensemble.
/// </summary>
public static class StatisticsMapper
{
    /// <summary>
    /// Triton's ModelStatistics of one virtual model, version "1". Queue and compute durations count the successful
    /// requests (as Triton counts them); there are no batch_stats (as for a Triton ensemble).
    /// </summary>
    public static ModelStatistics ToModelStatistics(string name, ModelCountersSnapshot snapshot) => new()
    {
        Name = name,
        Version = "1",
        LastInference = snapshot.LastInferenceMs,
        InferenceCount = snapshot.InferenceCount,
        ExecutionCount = snapshot.ExecutionCount,
        InferenceStats = new InferStatistics
        {
            Success = Duration(snapshot.SuccessCount, snapshot.SuccessNs),
            Fail = Duration(snapshot.FailCount, snapshot.FailNs),
            Queue = Duration(snapshot.SuccessCount, snapshot.QueueNs),
            ComputeInput = Duration(snapshot.SuccessCount, snapshot.ComputeInputNs),
            ComputeInfer = Duration(snapshot.SuccessCount, snapshot.ComputeInferNs),
            ComputeOutput = Duration(snapshot.SuccessCount, snapshot.ComputeOutputNs),
        },
    };

    public static EnsembleStatistics ToMessage(EnsembleModel ensemble, TrafficStatistics statistics, EndpointRegistry endpoints)
    {
        var message = new EnsembleStatistics { Name = ensemble.Name };
        foreach (var arm in ensemble.Arms)
        {
            var counters = statistics.Arm(ensemble.Name, arm.Name);
            var stats = new EnsembleGrpc.Protocol.Admin.ArmStatistics
            {
                Name = arm.Name,
                Strategy = arm.Strategy,
                Weight = arm.Weight,
                Requests = (ulong)counters.Requests,
                Errors = (ulong)counters.Errors,
                Fallbacks = (ulong)counters.Fallbacks,
                Latency = Latency(counters.Latency.Snapshot()),
                FeedbackRows = (ulong)counters.FeedbackRows,
                FeedbackCorrect = (ulong)counters.FeedbackCorrect,
                OnlineAccuracy = counters.OnlineAccuracy,
            };
            foreach (var (reason, count) in counters.FallbackReasons)
            {
                stats.FallbackReasons[reason] = (ulong)count;
            }

            message.Arms.Add(stats);
        }

        if (ensemble.Shadow is { } shadow)
        {
            var counters = statistics.Shadow(ensemble.Name);
            message.Shadow = new ShadowStatistics
            {
                Arm = shadow.Arm.Name,
                SamplePercent = shadow.SamplePercent,
                Enqueued = (ulong)counters.Enqueued,
                Dropped = (ulong)counters.Dropped,
                Completed = (ulong)counters.Completed,
                Errors = (ulong)counters.Errors,
                ComparedRows = (ulong)counters.ComparedRows,
                AgreedRows = (ulong)counters.AgreedRows,
                Agreement = counters.Agreement,
                Latency = Latency(counters.Latency.Snapshot()),
                Shed = (ulong)counters.Shed,
                Rejected = (ulong)counters.Rejected,
            };
            CopyCounts(counters.ErrorsByCause, message.Shadow.ErrorsByCause);
            CopyCounts(counters.RejectedByCause, message.Shadow.RejectedByCause);
        }

        foreach (var member in ensemble.Members)
        {
            var stats = new MemberStatistics { Name = member.Name, Failures = (ulong)statistics.MemberFailures(ensemble.Name, member.Name) };
            foreach (var address in member.Endpoints)
            {
                var primary = endpoints.Find(address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker));
                stats.Endpoints.Add(Endpoint(address, primary));
                // The shadow lane has breakers of its own; listed only once the shadow has called the endpoint.
                if (endpoints.Find(address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker, CallLane.Shadow)) is { } shadowLane)
                {
                    stats.ShadowEndpoints.Add(Endpoint(address, shadowLane));
                }
            }

            message.Members.Add(stats);
        }

        return message;
    }

    private static StatisticDuration Duration(ulong count, ulong ns) => new() { Count = count, Ns = ns };

    private static EndpointStatistics Endpoint(string address, EndpointState? state)
    {
        var endpoint = new EndpointStatistics
        {
            Address = address,
            // An endpoint never called yet has no pipeline; its breaker is closed by definition.
            BreakerState = state is null ? "closed" : BreakerStates.ToKey(state.BreakerState),
            Successes = (ulong)(state?.Successes ?? 0),
            Failures = (ulong)(state?.Failures ?? 0),
            InFlight = state?.InFlight ?? 0,
        };
        if (state is not null)
        {
            foreach (var (kind, count) in state.FailuresByKind)
            {
                endpoint.FailuresByKind[kind] = (ulong)count;
            }
        }

        return endpoint;
    }

    private static void CopyCounts(IReadOnlyDictionary<MemberFailureKind, long> counts, Google.Protobuf.Collections.MapField<string, ulong> into)
    {
        foreach (var (kind, count) in counts)
        {
            into[kind.ToKey()] = (ulong)count;
        }
    }

    private static LatencySummary Latency(LatencySnapshot snapshot) => new()
    {
        Count = (ulong)snapshot.Count,
        P50Ms = snapshot.P50Ms,
        P90Ms = snapshot.P90Ms,
        P99Ms = snapshot.P99Ms,
        MaxMs = snapshot.MaxMs,
    };
}
