using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// Triton's default scheduler: every request is its own execution, in arrival order, with at most
/// <c>concurrency</c> executing at once; the rest wait in the bounded queue.
/// </summary>
internal sealed class DirectScheduler : QueuedScheduler
{
    public DirectScheduler(ModelDefinition model, BatchingPolicy policy, IModelExecutor executor, ModelStatisticsCollector statistics, TimeProvider time, ILogger logger)
        : base(model, policy, executor, statistics, time, logger)
    {
    }

    protected override async Task RunLoopAsync()
    {
        var reader = Queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var pending))
            {
                if (Queue.TryTake(pending))
                {
                    Runner.Run([pending]);
                }
            }
        }
    }
}
