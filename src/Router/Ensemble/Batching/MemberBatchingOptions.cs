using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Ensemble.Batching;

/// <summary>
/// Micro-batching of member calls (configuration section <c>Router:Batching</c>). Requests for the same member that
/// arrive while its calls are in flight wait for a free call slot and then go to the worker together, as one batch,
/// so that the router pays the call's cost (HTTP/2 stream, serialisation, thread wake-ups) once per batch instead of
/// once per request. Nothing waits for a batch to fill: with a free slot a request is sent at once, so a lone request
/// pays no delay.
/// </summary>
public sealed class MemberBatchingOptions
{
    public const string Section = "Router:Batching";

    /// <summary>Whether requests are batched at all. Default true; false sends one worker call per request and member.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Calls in flight per member and replica on the primary path; more requests queue and leave as one batch when a
    /// call returns. Default 4: enough to keep a worker's dynamic batcher and both of its cores busy, few enough that
    /// batches form under load.
    /// </summary>
    [Range(1, 1024)]
    public int MaxCallsInFlight { get; set; } = 4;

    /// <summary>Calls in flight per member and replica for the shadow (its lower priority). Default 1.</summary>
    [Range(1, 1024)]
    public int ShadowMaxCallsInFlight { get; set; } = 1;

    /// <summary>
    /// Rows a shadow queue may hold, as a multiple of the batch limit, beyond which shadow copies are shed. Shadow
    /// copies are also shed whenever primary requests for the same member are waiting. Default 2.
    /// </summary>
    [Range(1, 64)]
    public int ShadowQueueBatches { get; set; } = 2;
}
