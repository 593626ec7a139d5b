using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// Admission control at the router (<c>Router:Admission</c>): at most <see cref="MaxInFlight"/> requests run at once,
/// at most <see cref="QueueLimit"/> more wait (oldest first) for at most <see cref="QueueTimeoutMs"/>; any other request
/// is refused at once with RESOURCE_EXHAUSTED. The defaults are sized for 2 cores, where the ensemble saturates at
/// about 16-32 concurrent requests (micro-batching runs 4 calls per member, each carrying many requests): a few times
/// that keeps the batches full without letting queues and memory grow (config/README.md has the measurements).
/// </summary>
public sealed class AdmissionOptions
{
    public const string Section = "Router:Admission";

    /// <summary>Whether requests are limited at all; default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests running at once (resolved, preprocessed, fanned out); default 128.</summary>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 128;

    /// <summary>Requests waiting for a slot when all are taken; default 64. 0 refuses at once.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 64;

    /// <summary>How long a request waits in the queue before it is refused, in milliseconds; default 50.</summary>
    [Range(1, 60_000)]
    public int QueueTimeoutMs { get; set; } = 50;
}
