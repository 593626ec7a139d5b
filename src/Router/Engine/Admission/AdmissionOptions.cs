using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// Admission control at the router (<c>Router:Admission</c>): at most <see cref="MaxInFlight"/> requests run at once,
/// at most <see cref="QueueLimit"/> more wait for at most <see cref="QueueTimeoutMs"/>; any other request is refused at
/// once with RESOURCE_EXHAUSTED. Sized on 2 cores, where the ensemble's throughput peaks near 128 concurrent requests
/// (micro-batching carries many requests per member call). The queue is long on purpose: it holds requests in front of
/// the fan-out, where waiting costs a few KiB each and never a member timeout, whereas a request refused from a short
/// queue comes straight back from a client that retries at once, and on 2 cores those refusals took the CPU from the
/// admitted requests (closed loop at 512: 85-143 good req/s with a 64-deep, 50 ms queue against 1,843 with this one).
/// A long queue served oldest first makes every admitted request wait through it under sustained overload;
/// <see cref="QueueOrder"/> can turn it to newest first once it has stayed non-empty for <see cref="CongestionMs"/>.
/// config/README.md and bench/overload.sh have the measurements.
/// </summary>
public sealed class AdmissionOptions
{
    public const string Section = "Router:Admission";

    /// <summary>Whether requests are limited at all; default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests running at once (resolved, preprocessed, fanned out); default 128.</summary>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 128;

    /// <summary>Requests waiting for a slot when all are taken; default 2048. 0 refuses at once.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 2048;

    /// <summary>
    /// How long a request waits in the queue before it is refused, in milliseconds; default 2000: about the time a full
    /// queue takes to drain at the peak rate, so that a request admitted to the queue is rarely refused later.
    /// </summary>
    [Range(1, 60_000)]
    public int QueueTimeoutMs { get; set; } = 2000;

    /// <summary>
    /// Which waiting request a freed slot goes to; default <see cref="AdmissionQueueOrder.Fifo"/>: the oldest.
    /// <see cref="AdmissionQueueOrder.AdaptiveLifo"/> serves the newest first under sustained overload.
    /// </summary>
    public AdmissionQueueOrder QueueOrder { get; set; } = AdmissionQueueOrder.Fifo;

    /// <summary>
    /// How long the queue must stay non-empty before <see cref="AdmissionQueueOrder.AdaptiveLifo"/> serves the newest
    /// first, in milliseconds; default 100 (CoDel's interval): a burst drains within it, overload does not.
    /// </summary>
    [Range(1, 60_000)]
    public int CongestionMs { get; set; } = 100;
}
