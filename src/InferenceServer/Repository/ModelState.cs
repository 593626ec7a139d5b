using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.InferenceServer.Statistics;

namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>
/// The mutable runtime object of one served model: its lifecycle state, and once loaded its executor,
/// scheduler and statistics. The state is read lock-free on every request; only the manager changes it.
/// </summary>
public sealed class ModelState
{
    private readonly TimeProvider _time;
    private readonly Lock _transition = new();
    private volatile ModelReadyState _readyState = ModelReadyState.Loading;
    private volatile string _reason = "loading";

    internal ModelState(string name, TimeProvider time)
    {
        Name = name;
        _time = time;
        Statistics = new ModelStatisticsCollector(name, string.Empty);
    }

    public string Name { get; }

    public ModelReadyState ReadyState => _readyState;

    /// <summary>Why the model is not ready (for logs and UNAVAILABLE messages).</summary>
    public string Reason => _reason;

    /// <summary>Set once the configuration was read; null when it could not be.</summary>
    public ModelDefinition? Definition { get; private set; }

    public BatchingPolicy? Policy { get; private set; }

    public ModelStatisticsCollector Statistics { get; private set; }

    public bool IsReady => _readyState == ModelReadyState.Ready;

    internal IModelExecutor? Executor { get; private set; }

    internal IScheduler? Scheduler { get; private set; }

    /// <summary>Runs a validated request through the scheduler, recording its outcome and end-to-end duration.</summary>
    public async ValueTask<InferenceOutcome> InferAsync(InferenceRequest request)
    {
        var scheduler = Scheduler;
        var outcome = _readyState != ModelReadyState.Ready || scheduler is null
            ? InferenceOutcome.Failure(NotReadyError())
            : await scheduler.ScheduleAsync(request).ConfigureAwait(false);
        var ns = _time.GetElapsedTime(request.ArrivalTimestamp).Ticks * 100;
        if (outcome.IsSuccess)
        {
            Statistics.RecordSuccess(ns);
        }
        else
        {
            Statistics.RecordFailure(ns);
        }

        return outcome;
    }

    /// <summary>Counts a request refused before scheduling (invalid input) as a failure.</summary>
    public void RecordRejected(long arrivalTimestamp) => Statistics.RecordFailure(_time.GetElapsedTime(arrivalTimestamp).Ticks * 100);

    public InferenceError NotReadyError()
        => InferenceError.Unavailable($"Model '{Name}' is not ready ({_readyState.ToString().ToUpperInvariant()}: {_reason})");

    internal void Defined(ModelDefinition definition, BatchingPolicy policy)
    {
        Definition = definition;
        Policy = policy;
        Statistics = new ModelStatisticsCollector(Name, definition.Version);
    }

    /// <summary>LOADING → READY; false when shutdown began meanwhile (the model then stays UNLOADING).</summary>
    internal bool Serving(IModelExecutor executor, IScheduler scheduler)
    {
        lock (_transition)
        {
            Executor = executor;
            Scheduler = scheduler;
            if (_readyState != ModelReadyState.Loading)
            {
                return false;
            }

            _reason = "ready";
            _readyState = ModelReadyState.Ready;
            return true;
        }
    }

    internal void Failed(string reason)
    {
        lock (_transition)
        {
            if (_readyState == ModelReadyState.Loading)
            {
                _reason = reason;
                _readyState = ModelReadyState.Unavailable;
            }
        }
    }

    /// <summary>Any state → UNLOADING: new requests are refused, those already queued still run.</summary>
    internal void Unloading()
    {
        lock (_transition)
        {
            _reason = "the worker is shutting down";
            _readyState = ModelReadyState.Unloading;
        }
    }
}
