namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>
/// Optional <c>"dynamic_batching"</c> section of config.json. Every field is optional; the worker's command line
/// (<c>--max-batch-size</c>, <c>--max-queue-delay-us</c>, <c>--max-queue-size</c>) overrides it for all models.
/// <code>
/// "dynamic_batching": {
///   "max_batch_size": 64,            // rows per execution; default: the model's max_batch_size
///   "max_queue_delay_us": 0,         // how long the oldest queued request may wait for others; default 0 (Triton's)
///   "preferred_batch_sizes": [8,32], // flush early at these sizes when nothing more is queued; default none
///   "max_queue_size": 1024           // queued requests before RESOURCE_EXHAUSTED; default 1024
/// }
/// </code>
/// </summary>
public sealed record DynamicBatchingConfig
{
    public const int DefaultMaxQueueSize = 1024;

    public const long DefaultMaxQueueDelayUs = 0;

    /// <summary>The largest delay accepted (10 s): anything longer is a configuration mistake.</summary>
    public const long MaxQueueDelayUsLimit = 10_000_000;

    public int? MaxBatchSize { get; init; }

    public long? MaxQueueDelayUs { get; init; }

    public IReadOnlyList<int>? PreferredBatchSizes { get; init; }

    public int? MaxQueueSize { get; init; }
}
