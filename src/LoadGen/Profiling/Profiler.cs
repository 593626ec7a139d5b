using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Inputs;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Rollouts;

namespace EnsembleGrpc.LoadGen.Profiling;

/// <summary>
/// Runs the steps of a profile: a concurrency sweep, a rate sweep, a rate search, a fault run or a run that follows a rollout. It picks load
/// managers, has the <see cref="StepRunner"/> measure them, and collects the summaries; it formats nothing.
/// </summary>
public sealed class Profiler
{
    private readonly RequestExecutor _executor;
    private readonly LoadClock _clock;
    private readonly StepRunner _runner;
    private readonly IRunObserver _observer;
    private readonly ProfilerOptions _options;

    public Profiler(IInferenceBackend backend, RequestFactory requests, LoadClock clock, MeasurementOptions measurement, ServerStatisticsReader server, IRunObserver observer, ProfilerOptions options)
    {
        _executor = new RequestExecutor(backend, requests, clock);
        _clock = clock;
        _observer = observer;
        _options = options;
        _runner = new StepRunner(clock, measurement, server, observer);
        Measurement = measurement;
    }

    public MeasurementOptions Measurement { get; }

    public async Task<IReadOnlyList<StepSummary>> ConcurrencySweepAsync(IReadOnlyList<int> levels, CancellationToken abort)
    {
        var steps = new List<StepSummary>();
        foreach (var concurrency in levels)
        {
            if (abort.IsCancellationRequested)
            {
                break;
            }

            var load = Closed(concurrency);
            var measured = await _runner.MeasureAsync(load, StepDescriptor.ForConcurrency(concurrency), abort).ConfigureAwait(false);
            steps.Add(measured.Summary);
        }

        return steps;
    }

    public async Task<IReadOnlyList<StepSummary>> RateSweepAsync(IReadOnlyList<double> rates, CancellationToken abort)
    {
        var steps = new List<StepSummary>();
        foreach (var rate in rates)
        {
            if (abort.IsCancellationRequested)
            {
                break;
            }

            steps.Add(await MeasureRateAsync(rate, abort).ConfigureAwait(false));
        }

        return steps;
    }

    public Task<RateSearchResult> SearchAsync(RateSearch search, CancellationToken abort)
        => search.RunAsync(MeasureRateAsync, abort);

    /// <summary>
    /// One fixed-duration step with a fault in the middle; the load is a rate when <paramref name="rate"/> is set,
    /// else a concurrency.
    /// </summary>
    public async Task<(StepSummary Step, FaultReport Fault)> FaultRunAsync(FaultPlan plan, IFaultInjector injector, double? rate, int concurrency, CancellationToken abort)
    {
        ILoadManager load = rate is { } r
            ? new RateLoadManager(_executor, ArrivalSchedule.Create(_options.Arrivals, r, _options.Random), _options.MaxOutstanding)
            : Closed(concurrency);
        var step = rate is { } rr ? StepDescriptor.ForRate(rr) : StepDescriptor.ForConcurrency(concurrency);
        var schedule = new FaultSchedule(_clock, plan, injector, _observer);
        var measured = await _runner.MeasureForAsync(load, step, plan.RunDuration, abort, schedule.RunAsync).ConfigureAwait(false);
        var end = measured.MeasureStart + _clock.ToTicks(TimeSpan.FromSeconds(measured.Summary.DurationSeconds));
        var began = schedule.BeganAt ?? end;
        var ended = schedule.EndedAt ?? end;
        var fault = new FaultAnalyzer(_clock, _runner.Analyzer)
            .Analyze(injector.Description, measured.Records, measured.MeasureStart, end, began, ended, TimeSpan.FromSeconds(1), schedule.Error);
        return (measured.Summary, fault);
    }

    /// <summary>
    /// One load level while <paramref name="watcher"/> follows a rollout: ends at the first window after the rollout
    /// finished, or after <paramref name="maxDuration"/>. Returns the step with its records, for the rollout's timeline.
    /// </summary>
    public async Task<StepMeasurement> RolloutRunAsync(RolloutWatcher watcher, TimeSpan maxDuration, double? rate, int concurrency, CancellationToken abort)
    {
        ILoadManager load = rate is { } r
            ? new RateLoadManager(_executor, ArrivalSchedule.Create(_options.Arrivals, r, _options.Random), _options.MaxOutstanding)
            : Closed(concurrency);
        var step = rate is { } rr ? StepDescriptor.ForRate(rr) : StepDescriptor.ForConcurrency(concurrency);
        var until = _clock.ToTicks(maxDuration);
        return await _runner.MeasureForAsync(load, step, maxDuration, abort, (start, token) => watcher.RunAsync(start, start + until, token), () => watcher.IsFinished).ConfigureAwait(false);
    }

    private ConcurrencyLoadManager Closed(int concurrency) => new(_executor, concurrency, _options.ObeyPushback);

    private async Task<StepSummary> MeasureRateAsync(double rate, CancellationToken abort)
    {
        var load = new RateLoadManager(_executor, ArrivalSchedule.Create(_options.Arrivals, rate, _options.Random), _options.MaxOutstanding);
        var measured = await _runner.MeasureAsync(load, StepDescriptor.ForRate(rate), abort).ConfigureAwait(false);
        return measured.Summary;
    }
}

/// <summary>Open-loop settings shared by every rate step.</summary>
public sealed record ProfilerOptions
{
    public ArrivalKind Arrivals { get; init; } = ArrivalKind.Constant;

    /// <summary>The seeded source of Poisson intervals.</summary>
    public Random Random { get; init; } = new(1);

    /// <summary>Requests in flight at most in open loop; past it sends wait (and are counted late).</summary>
    public int MaxOutstanding { get; init; } = 10_000;

    /// <summary>Closed loop: a refused client waits the server's retry pushback before its next request.</summary>
    public bool ObeyPushback { get; init; }
}
