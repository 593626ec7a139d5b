using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Faults;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Scheduling;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>
/// Triton's model repository manager, for the fixed set of models this worker was told to serve: reads each
/// model's configuration, loads it, warms it up (one run per warm-up batch size) and only then marks it READY;
/// on shutdown marks it UNLOADING, drains its scheduler and releases its session.
/// </summary>
public sealed partial class ModelManager
{
    private readonly ModelManagerSettings _settings;
    private readonly ModelRepository _repository;
    private readonly IModelExecutorFactory _executors;
    private readonly SchedulerFactory _schedulers;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelManager> _logger;
    private readonly Dictionary<string, ModelState> _models;

    public ModelManager(ModelManagerSettings settings, IModelExecutorFactory executors, SchedulerFactory schedulers, TimeProvider time, ILogger<ModelManager> logger)
    {
        _settings = settings;
        _repository = new ModelRepository(settings.RepositoryRoot);
        _executors = executors;
        _schedulers = schedulers;
        _time = time;
        _logger = logger;
        var names = settings.ModelNames.Distinct(StringComparer.Ordinal).ToArray();
        _models = names.ToDictionary(n => n, n => new ModelState(n, time), StringComparer.Ordinal);
        Models = [.. names.Select(n => _models[n])];
    }

    /// <summary>The served models, in the order they were named.</summary>
    public IReadOnlyList<ModelState> Models { get; }

    public bool AllReady => Models.All(m => m.IsReady);

    /// <summary>
    /// Finds a served model and checks the version asked for (empty: the served one). NOT_FOUND names what is
    /// served, so a misrouted client sees its mistake.
    /// </summary>
    public InferenceError? Resolve(string name, string? version, out ModelState? model)
    {
        if (!_models.TryGetValue(name ?? string.Empty, out model))
        {
            return InferenceError.NotFound($"Model '{name}' is not served here; served: {string.Join(", ", _models.Keys)}");
        }

        if (!string.IsNullOrEmpty(version) && model.Definition is { } definition && !definition.ServedVersions.Contains(version))
        {
            model = null;
            return InferenceError.NotFound($"Model '{name}' has no version '{version}' served here; served versions: {string.Join(", ", definition.ServedVersions)}");
        }

        return null;
    }

    /// <summary>Loads and warms up every model (in parallel); true when all are READY.</summary>
    public async Task<bool> LoadAllAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Models.Select(m => Task.Run(() => LoadGuarded(m), cancellationToken))).ConfigureAwait(false);
        return AllReady;
    }

    /// <summary>
    /// Marks every model UNLOADING: readiness turns false and new requests are answered UNAVAILABLE at once,
    /// while requests already queued keep running. Called as soon as shutdown begins.
    /// </summary>
    public void BeginUnloading()
    {
        foreach (var model in Models)
        {
            model.Unloading();
        }
    }

    /// <summary>Marks every model UNLOADING, drains queued and in-flight requests, then releases the sessions.</summary>
    public async Task UnloadAllAsync(CancellationToken cancellationToken)
    {
        BeginUnloading();
        await Task.WhenAll(Models.Select(m => UnloadAsync(m, cancellationToken))).ConfigureAwait(false);
    }

    private void LoadGuarded(ModelState model)
    {
        try
        {
            Load(model);
        }
        catch (Exception ex)
        {
            // An unexpected failure (a bug, an I/O error) leaves this model UNAVAILABLE, never the worker half-started.
            Fail(model, $"unexpected {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Load(ModelState model)
    {
        Log.Loading(_logger, model.Name, _repository.Root);
        var read = _repository.Read(model.Name);
        var errors = new List<string>(read.Errors);
        var policy = read.Definition is { } def ? BatchingPolicy.Resolve(def.Config, _settings.Scheduling, errors) : null;
        if (read.Definition is not { } definition || policy is null || errors.Count > 0)
        {
            Fail(model, string.Join("; ", errors));
            return;
        }

        model.Defined(definition, policy);
        IModelExecutor executor;
        try
        {
            executor = _executors.Create(definition);
        }
        catch (ModelLoadException ex)
        {
            Fail(model, ex.Message);
            return;
        }

        var warmupError = WarmUp(definition, policy, executor);
        if (warmupError is not null)
        {
            executor.Dispose();
            Fail(model, warmupError);
            return;
        }

        var scheduler = _schedulers.Create(definition, policy, executor, model.Statistics);
        var faults = FaultPlan.For(_settings.Faults, model.Name);
        if (faults.IsActive)
        {
            Log.FaultsActive(_logger, model.Name, faults.ToString());
            scheduler = new FaultInjectingScheduler(scheduler, faults, _time);
        }

        if (!model.Serving(executor, scheduler))
        {
            return;
        }

        Log.Serving(
            _logger,
            model.Name,
            definition.Version,
            definition.Config.ModelId ?? "(none)",
            policy.Kind.ToString(),
            policy.MaxBatchSize,
            (long)policy.MaxQueueDelay.TotalMicroseconds,
            policy.MaxQueueSize,
            policy.Concurrency);
    }

    /// <summary>One run per warm-up batch size on zeros; checks the outputs are complete and finite.</summary>
    private static string? WarmUp(ModelDefinition definition, BatchingPolicy policy, IModelExecutor executor)
    {
        foreach (var size in policy.WarmupBatchSizes)
        {
            var inputs = definition.Config.Inputs.Select(t => (ReadOnlyMemory<float>)new float[size * ModelDefinition.RowElements(t)]).ToArray();
            try
            {
                var outputs = executor.Run(size, inputs);
                for (var o = 0; o < definition.Config.Outputs.Count; o++)
                {
                    var expected = size * ModelDefinition.RowElements(definition.Config.Outputs[o]);
                    if (o >= outputs.Length || outputs[o].Length != expected || !outputs[o].All(float.IsFinite))
                    {
                        return $"warm-up with batch size {size}: output '{definition.Config.Outputs[o].Name}' is not {expected} finite values";
                    }
                }
            }
            catch (Exception ex) when (ex is ModelExecutionException or ArgumentException)
            {
                return $"warm-up with batch size {size} failed: {ex.Message}";
            }
        }

        return null;
    }

    private void Fail(ModelState model, string reason)
    {
        model.Failed(reason);
        Log.LoadFailed(_logger, model.Name, reason);
    }

    private async Task UnloadAsync(ModelState model, CancellationToken cancellationToken)
    {
        if (model.Scheduler is not { } scheduler)
        {
            return;
        }

        var drained = await scheduler.DrainAsync(cancellationToken).ConfigureAwait(false);
        if (drained)
        {
            model.Executor?.Dispose();
            Log.Unloaded(_logger, model.Name);
        }
        else
        {
            // A batch still executes: releasing the session under it is unsafe; the process is exiting anyway.
            Log.DrainTimedOut(_logger, model.Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Loading model {Model} from {Repository}")]
        public static partial void Loading(ILogger logger, string model, string repository);

        [LoggerMessage(EventId = 101, Level = LogLevel.Information,
            Message = "Model {Model} version {Version} is serving: model_id={ModelId} scheduler={Scheduler} max_batch_size={MaxBatchSize} max_queue_delay_us={MaxQueueDelayUs} max_queue_size={MaxQueueSize} concurrency={Concurrency}")]
        public static partial void Serving(ILogger logger, string model, string version, string modelId, string scheduler, int maxBatchSize, long maxQueueDelayUs, int maxQueueSize, int concurrency);

        [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Model {Model} failed to load and is UNAVAILABLE: {Reason}")]
        public static partial void LoadFailed(ILogger logger, string model, string reason);

        [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "FAULT INJECTION is ON for model {Model}: {Faults}")]
        public static partial void FaultsActive(ILogger logger, string model, string faults);

        [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Model {Model} drained and unloaded")]
        public static partial void Unloaded(ILogger logger, string model);

        [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Model {Model} did not drain before the shutdown timeout; queued requests were answered UNAVAILABLE")]
        public static partial void DrainTimedOut(ILogger logger, string model);
    }
}
