using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Resilience.Ejection;

/// <summary>
/// Outlier ejection (<c>Router:Ejection</c>), in the style of Envoy's outlier detection but sized for a stalled or
/// slow member to be out within about a hundred milliseconds rather than after its breaker has seen seconds of timeouts. An
/// endpoint is ejected after <see cref="ConsecutiveFailures"/> worker failures, timeouts or slow calls in a row (a slow
/// call is one still running after <see cref="SlowCallFactor"/> × its member's p90 per row × its rows, and at least
/// <see cref="SlowCallFloorMs"/>, while another endpoint answered within that time), or when its own recent p90 exceeds
/// <see cref="LatencyFactor"/> × the median of its sibling replicas' and <see cref="LatencyFloorMs"/>. Endpoints are
/// judged against their own member, never the ensemble's other members (<see cref="OutlierDetector"/>). It stays out
/// for <see cref="BaseEjectionMs"/> × the times it was ejected in a row (at most <see cref="MaxEjectionMs"/>), then one
/// probe call decides. Rejections that blame the request and the caller's cancellation never count.
/// </summary>
public sealed class EjectionOptions
{
    public const string Section = "Router:Ejection";

    /// <summary>Whether endpoints are ejected at all; default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Failures, timeouts or slow calls in a row that eject; default 3. Keep it at most the batching's calls in flight
    /// per member (<c>Router:Batching:MaxCallsInFlight</c>, 4): a stalled worker holds that many calls and no more.
    /// </summary>
    [Range(1, 1000)]
    public int ConsecutiveFailures { get; set; } = 3;

    /// <summary>A call still running after this many times its member's p90 per row × its rows counts as slow; default 4.</summary>
    [Range(1.0, 1000.0)]
    public double SlowCallFactor { get; set; } = 4;

    /// <summary>
    /// No call counts as slow before this many milliseconds; default 100. A worker process that the host's scheduler
    /// leaves waiting holds all its calls in flight at once, so one such pause of this length makes as many slow calls
    /// as <see cref="ConsecutiveFailures"/> asks: at 40 ms, an open loop at 900 requests/s on two shared cores ejected a
    /// healthy member twice in 8 s (a third of bagging's answers flagged fallbacks); at 100 ms, never. A stalled worker is
    /// still out within about this time, long before its timeouts.
    /// </summary>
    [Range(1, 60_000)]
    public int SlowCallFloorMs { get; set; } = 100;

    /// <summary>An endpoint whose recent p90 exceeds this many times its sibling replicas' median p90 is ejected; default 3.</summary>
    [Range(1.0, 1000.0)]
    public double LatencyFactor { get; set; } = 3;

    /// <summary>No endpoint is ejected for latency while its p90 is below this many milliseconds; default 100.</summary>
    [Range(1, 60_000)]
    public int LatencyFloorMs { get; set; } = 100;

    /// <summary>Recent call latencies kept per endpoint for the latency rule; default 32.</summary>
    [Range(4, 4096)]
    public int LatencyWindow { get; set; } = 32;

    /// <summary>Latencies an endpoint (and each peer counted) needs before the latency rule applies to it; default 16.</summary>
    [Range(1, 4096)]
    public int MinimumSamples { get; set; } = 16;

    /// <summary>First ejection time in milliseconds; repeated ejections multiply it; default 1000.</summary>
    [Range(1, 3_600_000)]
    public int BaseEjectionMs { get; set; } = 1000;

    /// <summary>Longest ejection time in milliseconds; default 30000.</summary>
    [Range(1, 3_600_000)]
    public int MaxEjectionMs { get; set; } = 30_000;

    /// <summary>
    /// At most this share of a member's replicas, and of an ensemble's members, is ejected at once (counted after the
    /// candidate's ejection); and never so many members that an arm could not reach its quorum; default 50.
    /// </summary>
    [Range(0, 100)]
    public int MaxEjectedPercent { get; set; } = 50;
}
