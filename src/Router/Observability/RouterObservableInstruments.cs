using System.Diagnostics.Metrics;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;

namespace EnsembleGrpc.Router.Observability;

/// <summary>
/// The router's metrics that are read, at scrape time, from the counters it keeps for its statistics (arms, shadows,
/// members, endpoints) and from the effective traffic split: the request path does no extra work for them. Ensembles
/// and arms are those of the current routing file with the runtime splits applied.
/// </summary>
public sealed class RouterObservableInstruments(TrafficSplitState splits, TrafficStatistics statistics, EndpointRegistry endpoints, TimeProvider time)
{
    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        RegisterArms(meter);
        RegisterShadows(meter);
        RegisterEndpoints(meter);
        RegisterModels(meter);
    }

    private void RegisterArms(Meter meter)
    {
        meter.CreateObservableCounter("ensemblegrpc.router.arm.requests", () => PerArm((e, a, c) => c.Requests, withStrategy: true), null,
            "Requests served by an arm (answered, failed or rejected), by model, arm and the arm's strategy.");
        meter.CreateObservableCounter("ensemblegrpc.router.arm.errors", () => PerArm((e, a, c) => c.Errors, withStrategy: true), null,
            "Requests of an arm that got no answer (not counting requests rejected as the caller's fault).");
        meter.CreateObservableCounter("ensemblegrpc.router.arm.rejections", () => PerArm((e, a, c) => c.Rejections, withStrategy: true), null,
            "Requests of an arm rejected as the caller's fault (bad input).");
        meter.CreateObservableCounter("ensemblegrpc.router.arm.fallbacks", FallbacksByReason, null,
            "Requests answered by the bagging fallback, by model, arm and reason code (a request may count under several reasons).");
        meter.CreateObservableCounter("ensemblegrpc.router.arm.feedback.rows", () => PerArm((e, a, c) => c.FeedbackRows, withStrategy: false), null,
            "Labelled rows received as feedback for an arm's answers.");
        meter.CreateObservableCounter("ensemblegrpc.router.arm.feedback.correct", () => PerArm((e, a, c) => c.FeedbackCorrect, withStrategy: false), null,
            "Labelled rows an arm had answered correctly; online accuracy = rate(correct) / rate(rows).");
        meter.CreateObservableGauge("ensemblegrpc.router.arm.traffic_share_ratio", TrafficShares, null,
            "The share of an ensemble's unnamed-strategy traffic the assignment gives an arm (its effective weight / total), 0..1.");
    }

    private void RegisterShadows(Meter meter)
    {
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.enqueued", () => PerShadow(s => s.Enqueued), null, "Requests copied to the shadow arm.");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.completed", () => PerShadow(s => s.Completed), null, "Shadow copies that got the shadow arm's answer.");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.errors", () => PerShadow(s => s.Errors), null, "Shadow copies that failed.");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.rejected", () => PerShadow(s => s.Rejected), null, "Shadow copies a member rejected as the request's fault.");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.dropped", () => PerShadow(s => s.Dropped), null, "Shadow copies not run: queue full or shed for primary traffic.");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.shed", () => PerShadow(s => s.Shed), null, "Enqueued shadow copies shed at a member because primary requests were waiting for it (also in dropped).");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.member_failures", ShadowFailuresByCause, null,
            "Member failures of failed shadow copies by cause (timeout, breaker_open, worker_error, ...); one copy may count several.");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.compared_rows", () => PerShadow(s => s.ComparedRows), null, "Rows whose shadow prediction was compared with the primary's answer.");
        meter.CreateObservableCounter("ensemblegrpc.router.shadow.agreed_rows", () => PerShadow(s => s.AgreedRows), null, "Compared rows where the shadow predicted what the primary answered.");
    }

    private void RegisterEndpoints(Meter meter)
    {
        meter.CreateObservableCounter("ensemblegrpc.router.endpoint.calls", EndpointCalls, null,
            "Member calls to a worker endpoint by lane (primary, shadow) and outcome: success or the failure kind.");
        meter.CreateObservableGauge("ensemblegrpc.router.endpoint.breaker_state", BreakerStatesNow, null,
            "Circuit breaker of a worker endpoint and lane: 1 for its current state (closed, open, half_open, isolated), 0 for the others.");
        meter.CreateObservableUpDownCounter("ensemblegrpc.router.endpoint.in_flight", InFlight, null,
            "Member calls in flight to a worker endpoint and lane.");
        meter.CreateObservableCounter("ensemblegrpc.router.member.failures", MemberFailures, null,
            "Failed member calls of a primary request by model and member (not counting cancellations and calls blamed on the request).");
    }

    private void RegisterModels(Meter meter)
    {
        meter.CreateObservableCounter("ensemblegrpc.router.model.requests", ModelRequests, null,
            "Requests of a virtual model by outcome (success, failure), as its ModelStatistics counts them.");
        meter.CreateObservableCounter("ensemblegrpc.router.model.inferences", ModelInferences, null,
            "Rows (images) a virtual model answered.");
    }

    private IEnumerable<Measurement<long>> PerArm(Func<EnsembleModel, ArmModel, ArmCounters, long> read, bool withStrategy)
    {
        foreach (var ensemble in splits.View().Ensembles.Values)
        {
            foreach (var arm in ensemble.Arms)
            {
                long value = read(ensemble, arm, statistics.Arm(ensemble.Name, arm.Name));
                yield return withStrategy
                    ? new Measurement<long>(value, new("model", ensemble.Name), new("arm", arm.Name), new("strategy", arm.Strategy))
                    : new Measurement<long>(value, new("model", ensemble.Name), new("arm", arm.Name));
            }
        }
    }

    private IEnumerable<Measurement<long>> FallbacksByReason()
    {
        foreach (var ensemble in splits.View().Ensembles.Values)
        {
            foreach (var arm in ensemble.Arms)
            {
                foreach (var (reason, count) in statistics.Arm(ensemble.Name, arm.Name).FallbackReasons)
                {
                    yield return new Measurement<long>(count, new("model", ensemble.Name), new("arm", arm.Name), new("reason", reason));
                }
            }
        }
    }

    private IEnumerable<Measurement<double>> TrafficShares()
    {
        foreach (var ensemble in splits.View().Ensembles.Values)
        {
            double total = ensemble.TotalWeight;
            foreach (var arm in ensemble.Arms)
            {
                yield return new Measurement<double>(total > 0 ? arm.Weight / total : 0, new("model", ensemble.Name), new("arm", arm.Name));
            }
        }
    }

    private IEnumerable<Measurement<long>> PerShadow(Func<ShadowCounters, long> read)
    {
        foreach (var ensemble in splits.View().Ensembles.Values)
        {
            if (ensemble.Shadow is { } shadow)
            {
                yield return new Measurement<long>(read(statistics.Shadow(ensemble.Name)), new("model", ensemble.Name), new("arm", shadow.Arm.Name));
            }
        }
    }

    private IEnumerable<Measurement<long>> ShadowFailuresByCause()
    {
        foreach (var ensemble in splits.View().Ensembles.Values)
        {
            if (ensemble.Shadow is { } shadow)
            {
                foreach (var (cause, count) in statistics.Shadow(ensemble.Name).ErrorsByCause)
                {
                    yield return new Measurement<long>(count, new("model", ensemble.Name), new("arm", shadow.Arm.Name), new("cause", cause.ToKey()));
                }
            }
        }
    }

    private IEnumerable<Measurement<long>> EndpointCalls()
    {
        // One address may have a state per settings (ensembles with other timeouts): their counts add up.
        var sums = new Dictionary<(string Endpoint, string Lane, string Outcome), long>();
        foreach (var state in endpoints.All)
        {
            string lane = LaneLabel(state);
            Add(sums, (state.Address, lane, "success"), state.Successes);
            foreach (var (kind, count) in state.FailuresByKind)
            {
                Add(sums, (state.Address, lane, kind), count);
            }
        }

        return sums.Select(s => new Measurement<long>(s.Value, new("endpoint", s.Key.Endpoint), new("lane", s.Key.Lane), new("outcome", s.Key.Outcome)));
    }

    private IEnumerable<Measurement<long>> BreakerStatesNow()
    {
        // Of several states of one address and lane, the worst breaker speaks for it.
        var worst = new Dictionary<(string Endpoint, string Lane), string>();
        foreach (var state in endpoints.All)
        {
            var key = (state.Address, LaneLabel(state));
            string current = BreakerStates.ToKey(state.BreakerState);
            if (!worst.TryGetValue(key, out string? seen) || Severity(current) > Severity(seen))
            {
                worst[key] = current;
            }
        }

        foreach (var ((endpoint, lane), current) in worst)
        {
            foreach (string state in (string[])["closed", "open", "half_open", "isolated"])
            {
                yield return new Measurement<long>(state == current ? 1 : 0, new("endpoint", endpoint), new("lane", lane), new("state", state));
            }
        }
    }

    private IEnumerable<Measurement<long>> InFlight()
    {
        var sums = new Dictionary<(string Endpoint, string Lane), long>();
        foreach (var state in endpoints.All)
        {
            Add(sums, (state.Address, LaneLabel(state)), state.InFlight);
        }

        return sums.Select(s => new Measurement<long>(s.Value, new("endpoint", s.Key.Endpoint), new("lane", s.Key.Lane)));
    }

    private IEnumerable<Measurement<long>> MemberFailures()
    {
        foreach (var ensemble in splits.View().Ensembles.Values)
        {
            foreach (var member in ensemble.Members)
            {
                yield return new Measurement<long>(statistics.MemberFailures(ensemble.Name, member.Name), new("model", ensemble.Name), new("member", member.Name));
            }
        }
    }

    private IEnumerable<Measurement<long>> ModelRequests()
    {
        foreach (var name in splits.View().Ensembles.Keys)
        {
            var snapshot = statistics.Model(name).Snapshot(time.TimestampFrequency);
            yield return new Measurement<long>((long)snapshot.SuccessCount, new("model", name), new("outcome", "success"));
            yield return new Measurement<long>((long)snapshot.FailCount, new("model", name), new("outcome", "failure"));
        }
    }

    private IEnumerable<Measurement<long>> ModelInferences()
    {
        foreach (var name in splits.View().Ensembles.Keys)
        {
            yield return new Measurement<long>((long)statistics.Model(name).Snapshot(time.TimestampFrequency).InferenceCount, new KeyValuePair<string, object?>("model", name));
        }
    }

    private static string LaneLabel(EndpointState state) => state.Settings.Lane == Ensemble.CallLane.Shadow ? "shadow" : "primary";

    private static int Severity(string state) => state switch
    {
        "open" => 3,
        "isolated" => 2,
        "half_open" => 1,
        _ => 0,
    };

    private static void Add<TKey>(Dictionary<TKey, long> sums, TKey key, long value)
        where TKey : notnull
        => sums[key] = sums.GetValueOrDefault(key) + value;
}
