using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// Admission control at the router (<c>Router:Admission</c>): at most <see cref="MaxInFlight"/> requests of at most
/// <see cref="MaxRowsInFlight"/> rows in all run at once, at most <see cref="QueueLimit"/> more wait for at most
/// <see cref="QueueTimeoutMs"/>, and freed rows go first to the waiting request that leaves its client (its connection,
/// or the value of <see cref="ClientHeader"/>) with the fewest rows in flight;
/// any other request is refused at once with RESOURCE_EXHAUSTED and told when to come back
/// (<c>grpc-retry-pushback-ms</c>, <see cref="RetryPushback"/>).
/// Sized on 2 cores, where the ensemble's throughput peaks near 128 concurrent requests (micro-batching carries many
/// requests per member call). The queue is short, so an admitted request's wait stays bounded and the router's memory
/// with it; the pushback keeps the refused callers away long enough that their returns cost little. Clients that
/// ignore it and send again at once make the refusals take the CPU of the admitted requests (bench/overload.sh,
/// setting <c>short</c>); for them a long queue (e.g. 2048 / 2000 ms) serves more, at the price of seconds of
/// waiting and a larger process. config/README.md and bench/README.md have the measurements.
/// </summary>
public sealed class AdmissionOptions : IValidatableObject
{
    public const string Section = "Router:Admission";

    /// <summary>Whether requests are limited at all; default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests running at once (resolved, preprocessed, fanned out); default 128.</summary>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 128;

    /// <summary>
    /// Rows of the requests running at once: a request of N rows takes N, one larger than this runs alone; default 512
    /// (128 one-row requests are limited by <see cref="MaxInFlight"/>; 8 of 64 rows by this). Measured on 2 cores
    /// (config/README.md, "Fair between clients"): fewer rows isolate a small client better from another's batches
    /// (its p50 beside 64-row batches 127–137 ms at 512, 54–60 at 256, 19–37 at 128) but cost a client of 8-row batches
    /// throughput (about 10% at 256, 15–20% at 128: the workers get smaller batches); 512 costs none.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxRowsInFlight { get; set; } = 512;

    /// <summary>
    /// A request header (gRPC metadata) naming the client for fair admission, e.g. <c>x-tenant</c>; default none (empty
    /// too): each connection is a client. When set, requests carrying it once (1..256 characters) are grouped by its
    /// value, so a client that opens many connections counts once, and the tenants behind one gateway connection count
    /// apart; requests without it stay grouped by connection. Only for callers the operator trusts to name themselves:
    /// a client can send another's value.
    /// </summary>
    public string? ClientHeader { get; set; }

    /// <summary>Requests waiting for room when no slot or too few rows are free; default 128 (one more round of the slots). 0 refuses at once.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 128;

    /// <summary>
    /// How long a request waits in the queue before it is refused, in milliseconds; default 250: about twice the time
    /// a full queue takes to drain at the peak rate, so that a request admitted to the queue is rarely refused later.
    /// </summary>
    [Range(1, 60_000)]
    public int QueueTimeoutMs { get; set; } = 250;

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

    /// <summary>
    /// Shortest wait a refused caller is told to keep (<c>grpc-retry-pushback-ms</c>, HTTP Retry-After), in
    /// milliseconds; default 50: a burst's refusals come back once its queue has had time to drain.
    /// </summary>
    [Range(1, 60_000)]
    public int RetryPushbackMinMs { get; set; } = 50;

    /// <summary>
    /// Longest wait a refused caller is told to keep, in milliseconds; default 5000: at 16 times the load the router
    /// can serve, a closed-loop caller is served about once a second, so it must stay away for seconds at a time.
    /// </summary>
    [Range(1, 600_000)]
    public int RetryPushbackMaxMs { get; set; } = 5000;

    /// <summary>
    /// Refusals per admission above which the wait doubles (below a quarter of it, it halves); default 0.25: a
    /// returning caller costs the router far less than an answer, so a quarter of them costs it a few percent.
    /// </summary>
    [Range(0.01, 100.0)]
    public double RetryPushbackTargetRatio { get; set; } = 0.25;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClientHeader is { Length: > 0 } && !IsHeaderName(ClientHeader))
        {
            yield return new ValidationResult(
                $"ClientHeader '{ClientHeader}' is not a usable header name: give a lowercase HTTP/2 header name (letters, digits, '-', '_', '.'), " +
                "1..64 characters, not starting with ':' or 'grpc-' (reserved by gRPC), e.g. x-tenant.",
                [nameof(ClientHeader)]);
        }

        if (RetryPushbackMinMs > RetryPushbackMaxMs)
        {
            yield return new ValidationResult(
                $"RetryPushbackMinMs ({RetryPushbackMinMs}) must not exceed RetryPushbackMaxMs ({RetryPushbackMaxMs}).",
                [nameof(RetryPushbackMinMs), nameof(RetryPushbackMaxMs)]);
        }
    }

    private static bool IsHeaderName(string name) =>
        name.Length is > 0 and <= 64 && !name.StartsWith("grpc-", StringComparison.Ordinal)
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.');
}
