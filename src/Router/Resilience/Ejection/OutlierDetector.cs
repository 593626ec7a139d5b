using System.Collections.Concurrent;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Resilience.Ejection;

/// <summary>
/// Applies the ejection rules (<see cref="EjectionOptions"/>) to the outcomes <see cref="ResilientMemberInvoker"/>
/// reports. An endpoint is judged against its own member, never against the ensemble's other members: those run other
/// models, and a member that is costly by design (a 110 ms model beside 20 ms ones) is not slow. The slow-call rule
/// compares a call with the member's recent p90 per row (its replicas', its own included), the latency rule an
/// endpoint's p90 with its sibling replicas' (as Envoy compares the hosts of one cluster). A member with one endpoint
/// has no siblings: the slow-call rule still takes it out when it stalls or suddenly slows down against its own
/// history, and until it has that history (<see cref="EjectionOptions.MinimumSamples"/> answers) only its failures and
/// timeouts count. The reference is recomputed at most every <see cref="ReferenceRefresh"/>, so a call costs no sorting.
/// <para>
/// A call's size counts: the slow-call rule and a probe's verdict compare latency per row, scaled by the call's rows.
/// Without that, the reference came from the usual small calls, and one client's large batches (a 50-row call runs
/// tens of milliseconds) were slow calls three times in a row and ejected a healthy member for every client. A batch
/// of r rows costs at most r times one row, so the scaled threshold never calls a large batch slow for its size; a
/// stalled worker is still caught, later for a large call than for a small one.
/// </para>
/// </summary>
public sealed partial class OutlierDetector(IOptions<EjectionOptions> options, EndpointRegistry registry, TimeProvider time, ILogger<OutlierDetector> logger)
{
    public static readonly TimeSpan ReferenceRefresh = TimeSpan.FromMilliseconds(100);

    private readonly EjectionOptions _options = options.Value;
    private readonly ConcurrentDictionary<(string Ensemble, string Member, EndpointSettings Settings), (long At, double? Ms)> _reference = new();

    public EjectionOptions Options => _options;

    public EjectionGate Enter(EndpointState endpoint) => _options.Enabled ? endpoint.Ejection.Enter(time.GetTimestamp()) : EjectionGate.Open;

    /// <summary>
    /// How long a call of <paramref name="rows"/> rows may run before it counts as slow:
    /// <see cref="EjectionOptions.SlowCallFactor"/> × the lower median of the member's endpoints' p90s per row × the
    /// call's rows, at least the floor; null while none of them has enough samples.
    /// </summary>
    public TimeSpan? SlowCallThreshold(EnsembleModel ensemble, MemberModel member, EndpointState endpoint, int rows)
    {
        if (!_options.Enabled)
        {
            return null;
        }

        long now = time.GetTimestamp();
        var key = (ensemble.Name, member.Name, endpoint.Settings);
        if (!_reference.TryGetValue(key, out var cached) || time.GetElapsedTime(cached.At, now) >= ReferenceRefresh)
        {
            cached = (now, LowerMedianP90(member, endpoint.Settings, exclude: null, perRow: true));
            _reference[key] = cached;
        }

        return cached.Ms is { } msPerRow ? TimeSpan.FromMilliseconds(Math.Max(_options.SlowCallFloorMs, _options.SlowCallFactor * msPerRow * Math.Max(1, rows))) : null;
    }

    /// <summary>
    /// A call of <paramref name="rows"/> rows that answered: a latency sample. The probe's answer readmits, unless the
    /// endpoint was out for slowness and the answer was itself an outlier's (see <see cref="EjectionState.EjectedForLatency"/>).
    /// </summary>
    public void OnSuccess(EndpointState endpoint, MemberModel member, EnsembleModel ensemble, TimeSpan latency, EjectionGate gate, bool wasSlow, int rows = 1)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var state = endpoint.Ejection;
        double ms = latency.TotalMilliseconds;
        if (gate == EjectionGate.Probe)
        {
            if (!state.IsProbing)
            {
                // Its slow-call watch already sent it back out.
                state.RecordLatency(ms, rows, endsRun: false);
                return;
            }

            if (state.EjectedForLatency && (wasSlow || IsProbeOutlier(endpoint, member, ms, rows)))
            {
                Eject(endpoint, member, ensemble, $"its probe took {ms:0} ms", force: true, forLatency: true);
                return;
            }

            state.Readmit(time.GetTimestamp());
            Log.Readmitted(logger, endpoint.Address, member.Name, Math.Round(ms));
        }

        state.RecordLatency(ms, rows, endsRun: !wasSlow);
        // Not while it is out: the answers of calls sent before its ejection come in afterwards, and each would eject it
        // again, for longer each time (seen: one slow spell had it out for 1 + 2 + 3 s).
        if (ms >= _options.LatencyFloorMs && gate == EjectionGate.Open && !state.IsEjected
            && state.P90(_options.MinimumSamples) is { } p90 && IsLatencyOutlier(endpoint, member, p90))
        {
            Eject(endpoint, member, ensemble, $"its p90 of {p90:0} ms exceeds {_options.LatencyFactor} × its sibling replicas'", force: false, forLatency: true);
        }
    }

    /// <summary>
    /// A call still running past <see cref="SlowCallThreshold"/> counts as a failure only while a peer has answered
    /// within that time: when the whole machine stalls (a GC pause, a CPU-starved host) every member is slow and none
    /// is the outlier, and ejecting the first to be noticed would spend the budget on the wrong one.
    /// </summary>
    public void OnSlowCall(EndpointState endpoint, MemberModel member, EnsembleModel ensemble, EjectionGate gate, TimeSpan threshold)
    {
        // The probe of a worker that was out for failures (e.g. down, then restarted) is its cold first call: wait for
        // its answer or its failure, which decide (see EjectionState.EjectedForLatency).
        if (gate == EjectionGate.Probe && !endpoint.Ejection.EjectedForLatency)
        {
            return;
        }

        if (_options.Enabled && PeerAnsweredWithin(ensemble, endpoint, threshold))
        {
            OnFailure(endpoint, member, ensemble, gate, $"slow call (over {threshold.TotalMilliseconds:0} ms while other endpoints answered)", slow: true);
        }
    }

    /// <summary>
    /// A worker failure or timeout (<see cref="WorkerFailures.IsWorkerFault"/>), or a slow call (<see cref="OnSlowCall"/>):
    /// a run of them ejects; a probe's ejects again at once.
    /// </summary>
    public void OnFailure(EndpointState endpoint, MemberModel member, EnsembleModel ensemble, EjectionGate gate, string what, bool slow = false)
    {
        if (!_options.Enabled || gate == EjectionGate.Ejected)
        {
            return;
        }

        if (gate == EjectionGate.Probe)
        {
            if (endpoint.Ejection.IsProbing)
            {
                Eject(endpoint, member, ensemble, $"its probe failed ({what})", force: true, forLatency: slow);
            }

            return;
        }

        int run = endpoint.Ejection.RecordFailure();
        if (run >= _options.ConsecutiveFailures && !endpoint.Ejection.IsEjected)
        {
            Eject(endpoint, member, ensemble, $"{run} failures or slow calls in a row, the last {what}", force: false, forLatency: slow);
        }
    }

    /// <summary>A probe that ended without saying anything about the worker (see <see cref="EjectionState.ReleaseProbe"/>).</summary>
    public void OnInconclusive(EndpointState endpoint, EjectionGate gate)
    {
        if (gate == EjectionGate.Probe)
        {
            endpoint.Ejection.ReleaseProbe();
        }
    }

    private bool PeerAnsweredWithin(EnsembleModel ensemble, EndpointState endpoint, TimeSpan window)
    {
        long now = time.GetTimestamp();
        foreach (var member in ensemble.Members)
        {
            foreach (string address in member.Endpoints)
            {
                if (address != endpoint.Address && registry.Find(address, endpoint.Settings) is { } peer
                    && peer.Ejection.LastSuccess is var last and > 0 && time.GetElapsedTime(last, now) <= window)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Against the sibling replicas' p90s; a member with one endpoint has none, so this rule never ejects it.</summary>
    private bool IsLatencyOutlier(EndpointState endpoint, MemberModel member, double p90) =>
        p90 >= _options.LatencyFloorMs && LowerMedianP90(member, endpoint.Settings, exclude: endpoint.Address, perRow: false) is { } siblings
        && p90 > _options.LatencyFactor * siblings;

    /// <summary>
    /// A probe's answer against its sibling replicas' p90 per row × the probe's rows (a large batch is not slow for its
    /// size); a member's only endpoint is judged against its own p90 per row from before it went out.
    /// </summary>
    private bool IsProbeOutlier(EndpointState endpoint, MemberModel member, double ms, int rows) =>
        ms >= _options.LatencyFloorMs
        && LowerMedianP90(member, endpoint.Settings, exclude: member.Endpoints.Count > 1 ? endpoint.Address : null, perRow: true) is { } perRow
        && ms > _options.LatencyFactor * perRow * Math.Max(1, rows);

    /// <summary>
    /// The lower median of the member's endpoints' p90s, ejected replicas left out; a member's only endpoint counts while
    /// it is out, so that its probe is judged against its own history from before.
    /// </summary>
    private double? LowerMedianP90(MemberModel member, EndpointSettings settings, string? exclude, bool perRow)
    {
        bool only = member.Endpoints.Count == 1;
        var p90s = new List<double>(member.Endpoints.Count);
        foreach (string address in member.Endpoints)
        {
            if (address != exclude && registry.Find(address, settings) is { } replica && (only || !replica.Ejection.IsEjected)
                && (perRow ? replica.Ejection.P90PerRow(_options.MinimumSamples) : replica.Ejection.P90(_options.MinimumSamples)) is { } p90)
            {
                p90s.Add(p90);
            }
        }

        if (p90s.Count == 0)
        {
            return null;
        }

        p90s.Sort();
        return p90s[(p90s.Count - 1) / 2];
    }

    /// <summary>Ejects unless the budget forbids it; a failed probe (<paramref name="force"/>) goes back out regardless, as it was already out.</summary>
    private void Eject(EndpointState endpoint, MemberModel member, EnsembleModel ensemble, string reason, bool force, bool forLatency)
    {
        if (!force && !EjectionBudget.Allows(member, ensemble, endpoint.Settings, registry, _options.MaxEjectedPercent))
        {
            Log.EjectionRefused(logger, endpoint.Address, member.Name, reason, _options.MaxEjectedPercent);
            return;
        }

        var duration = endpoint.Ejection.Eject(time.GetTimestamp(), time.TimestampFrequency,
            TimeSpan.FromMilliseconds(_options.BaseEjectionMs), TimeSpan.FromMilliseconds(_options.MaxEjectionMs), forLatency);
        Log.Ejected(logger, endpoint.Address, member.Name, ensemble.Name, reason, duration.TotalMilliseconds);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 330, EventName = "EndpointEjected", Level = LogLevel.Warning, Message = "Worker {Endpoint} (member {Member} of {Ensemble}) ejected for {EjectionMs} ms: {Reason}.")]
        public static partial void Ejected(ILogger logger, string endpoint, string member, string ensemble, string reason, double ejectionMs);

        [LoggerMessage(EventId = 331, EventName = "EndpointReadmitted", Level = LogLevel.Information, Message = "Worker {Endpoint} (member {Member}) readmitted: its probe answered in {LatencyMs} ms.")]
        public static partial void Readmitted(ILogger logger, string endpoint, string member, double latencyMs);

        [LoggerMessage(EventId = 332, EventName = "EjectionRefused", Level = LogLevel.Information, Message = "Worker {Endpoint} (member {Member}) not ejected ({Reason}): at most {MaxPercent}% may be out and every arm must keep its quorum.")]
        public static partial void EjectionRefused(ILogger logger, string endpoint, string member, string reason, int maxPercent);
    }
}
