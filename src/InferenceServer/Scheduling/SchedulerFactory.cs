using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>Creates and starts the scheduler a model's policy asks for.</summary>
public sealed class SchedulerFactory
{
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public SchedulerFactory(TimeProvider time, ILoggerFactory loggers)
    {
        _time = time;
        _loggers = loggers;
    }

    public IScheduler Create(ModelDefinition model, BatchingPolicy policy, IModelExecutor executor, ModelStatisticsCollector statistics)
    {
        QueuedScheduler scheduler = policy.Kind == SchedulerKind.Direct
            ? new DirectScheduler(model, policy, executor, statistics, _time, _loggers.CreateLogger<DirectScheduler>())
            : new DynamicBatcher(model, policy, executor, statistics, _time, _loggers.CreateLogger<DynamicBatcher>());
        scheduler.Start();
        return scheduler;
    }
}
