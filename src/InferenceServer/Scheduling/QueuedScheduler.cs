using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// What the direct scheduler and the dynamic batcher share: the bounded queue, the batch runner, and
/// <c>concurrency</c> worker loops that take work from the queue and execute it. No thread waits per request:
/// callers await a completion, loops await the channel.
/// </summary>
internal abstract partial class QueuedScheduler : IScheduler
{
    private readonly ILogger _logger;
    private readonly string _modelName;
    private Task[] _loops = [];

    protected QueuedScheduler(ModelDefinition model, BatchingPolicy policy, IModelExecutor executor, ModelStatisticsCollector statistics, TimeProvider time, ILogger logger)
    {
        Policy = policy;
        Time = time;
        _logger = logger;
        _modelName = model.Name;
        Queue = new RequestQueue(model.Name, policy.MaxQueueSize, time, statistics);
        Runner = new BatchRunner(model, executor, statistics, time, logger);
    }

    public int QueuedCount => Queue.Count;

    protected BatchingPolicy Policy { get; }

    protected TimeProvider Time { get; }

    protected RequestQueue Queue { get; }

    protected BatchRunner Runner { get; }

    /// <summary>Starts the worker loops; called once, after construction.</summary>
    public void Start() => _loops = [.. Enumerable.Range(0, Policy.Concurrency).Select(_ => Task.Run(GuardedLoopAsync))];

    public ValueTask<InferenceOutcome> ScheduleAsync(InferenceRequest request)
    {
        var pending = Queue.TryEnqueue(request, out var rejection);
        return pending is null ? ValueTask.FromResult(InferenceOutcome.Failure(rejection!)) : new ValueTask<InferenceOutcome>(pending.Completion);
    }

    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        Queue.Close();
        using var giveUp = cancellationToken.Register(static queue => ((RequestQueue)queue!).DropAll(), Queue);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await DrainAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);

    /// <summary>Takes work and executes it until the queue is closed and empty.</summary>
    protected abstract Task RunLoopAsync();

    private async Task GuardedLoopAsync()
    {
        while (true)
        {
            try
            {
                await RunLoopAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                // A bug in a loop must not silently stop the model from serving: log it and keep looping.
                Log.LoopFailed(_logger, _modelName, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Critical, Message = "Scheduler loop of model {Model} failed; restarting it")]
        public static partial void LoopFailed(ILogger logger, string model, Exception exception);
    }
}
