using EnsembleGrpc.InferenceServer.Repository;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// The effective scheduling settings of one model: the worker's overrides, else config.json's
/// <c>dynamic_batching</c>, else the defaults documented on <see cref="DynamicBatchingConfig"/>.
/// </summary>
public sealed record BatchingPolicy
{
    public SchedulerKind Kind { get; init; } = SchedulerKind.Dynamic;

    /// <summary>Rows per execution at most; a single larger request (up to the model's limit) runs alone.</summary>
    public int MaxBatchSize { get; init; } = 1;

    /// <summary>How long the oldest queued request may wait for others to join its batch.</summary>
    public TimeSpan MaxQueueDelay { get; init; }

    /// <summary>Batch sizes at which a batch is sent without waiting when nothing more is queued.</summary>
    public IReadOnlyList<int> PreferredBatchSizes { get; init; } = [];

    /// <summary>Queued requests (not rows) before new ones are answered RESOURCE_EXHAUSTED.</summary>
    public int MaxQueueSize { get; init; } = DynamicBatchingConfig.DefaultMaxQueueSize;

    /// <summary>Batches executing at once on the model's one session.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>The batch sizes warmed up before the model reports ready: 1, each preferred size, and the maximum.</summary>
    public IReadOnlyList<int> WarmupBatchSizes => [.. new[] { 1, MaxBatchSize }.Concat(PreferredBatchSizes).Distinct().Order()];

    /// <summary>Combines the worker's overrides with the model's configuration; errors name the model and value.</summary>
    public static BatchingPolicy Resolve(ModelConfig config, SchedulingOverrides overrides, List<string> errors)
    {
        var batching = config.DynamicBatching ?? new DynamicBatchingConfig();
        var maxBatch = overrides.MaxBatchSize ?? batching.MaxBatchSize ?? config.MaxBatchSize;
        if (maxBatch > config.MaxBatchSize)
        {
            errors.Add($"model '{config.Name}': max batch size {maxBatch} exceeds the model's max_batch_size {config.MaxBatchSize}");
            maxBatch = config.MaxBatchSize;
        }

        var delayUs = overrides.MaxQueueDelayUs ?? batching.MaxQueueDelayUs ?? DynamicBatchingConfig.DefaultMaxQueueDelayUs;
        return new BatchingPolicy
        {
            Kind = overrides.Kind,
            MaxBatchSize = maxBatch,
            MaxQueueDelay = TimeSpan.FromMicroseconds(delayUs),
            PreferredBatchSizes = [.. (batching.PreferredBatchSizes ?? []).Where(s => s <= maxBatch).Distinct().Order()],
            MaxQueueSize = overrides.MaxQueueSize ?? batching.MaxQueueSize ?? DynamicBatchingConfig.DefaultMaxQueueSize,
            Concurrency = overrides.Concurrency,
        };
    }
}
