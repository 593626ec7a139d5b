using EnsembleGrpc.Datasets;
using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Inputs;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Preflight;
using EnsembleGrpc.LoadGen.Profiling;
using EnsembleGrpc.LoadGen.Reports;
using EnsembleGrpc.LoadGen.Rollouts;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Cli;

/// <summary>Executes validated settings: wires backend, inputs, clock and profiler, runs, and writes the report.</summary>
public static class ProfileRun
{
    /// <summary>Console width of the report where the console has none (a log file); every table fits it.</summary>
    public const int ReportWidth = 100;

    /// <summary>How long the feedback still queued at the end of a run may take to send.</summary>
    private static readonly TimeSpan FeedbackFlushLimit = TimeSpan.FromSeconds(30);

    public static async Task<int> ExecuteAsync(RunSettings settings, IAnsiConsole console, CancellationToken abort)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var samples = settings.Input == InputKind.Dataset
            ? InputSamples.FromDataset(EgdsDataset.Load(settings.DatasetPath), settings.BatchSize)
            : InputSamples.Random(settings.BatchSize, settings.InputShape, settings.Seed);
        await using var backend = new GrpcInferenceBackend(settings.Target, settings.Connections, settings.Deadline);
        await using var admin = settings.Feedback || settings.Rollout is not null ? new GrpcRolloutAdmin(settings.Target, settings.AdminToken, settings.Deadline) : null;
        await using var feedback = settings.Feedback ? new FeedbackBackend(backend, admin!) : null;
        // One channel per statistics server (the target's own for the target), shared by its sources.
        var statsBackends = new Dictionary<string, IInferenceBackend>(StringComparer.Ordinal);
        var statsQueries = new List<StatisticsQuery>();
        if (settings.ServerStatistics)
        {
            foreach (var source in StatisticsSources(settings))
            {
                if (!statsBackends.TryGetValue(source.Address, out var server))
                {
                    server = source.Address == settings.Target.TrimEnd('/') ? backend : new GrpcInferenceBackend(source.Address, 1, settings.Deadline);
                    statsBackends.Add(source.Address, server);
                }

                statsQueries.Add(new StatisticsQuery(server, source.Model, source.Model == settings.Model ? settings.ModelVersion : null));
            }
        }

        IFaultInjector? injector = settings.Fault switch
        {
            { WorkerCommand: { } command } f => new ManagedWorkerFaultInjector(f.WorkerName, command, f.Action, f.WorkerReadyTimeout),
            { BeginCommand: { } begin } f => new CommandFaultInjector(begin, f.EndCommand),
            _ => null,
        };

        var measurement = new MeasurementOptions
        {
            Warmup = settings.Warmup,
            Window = settings.Window,
            LateThreshold = settings.LateThreshold,
            Stability = new StabilityCriteria { Tolerance = settings.StabilityTolerance, MaxWindows = settings.MaxWindows },
            MaxStepTime = settings.MaxStepTime,
        };
        var report = new ProfileReport { Run = RunInfo(settings, startedAt, aborted: false) };
        try
        {
            if (injector is not null)
            {
                console.MarkupLine($"Preparing fault: {Markup.Escape(injector.Description)}");
                await injector.PrepareAsync(abort).ConfigureAwait(false);
            }

            // After PrepareAsync: a managed fault worker may be the target itself.
            var check = await CheckModelAsync(backend, settings, samples[0], console, abort).ConfigureAwait(false);
            if (check.Error is { } error)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(error)}");
                return ExitCodes.InvalidRun;
            }

            var requests = new RequestFactory(
                settings.Model,
                settings.ModelVersion,
                check.InputName,
                check.OutputName,
                samples,
                new RequestParameters { Strategy = settings.Strategy, RoutingKeyPattern = settings.RoutingKeyPattern, RoutingKeyCount = settings.RoutingKeyCount, Extra = settings.Parameters });

            report = await LiveProgress.RunAsync(console, settings.Live, async observer =>
            {
                var clock = SystemLoadClock.CreateDefault();
                var profiler = new Profiler(
                    (IInferenceBackend?)feedback ?? backend,
                    requests,
                    clock,
                    measurement,
                    new ServerStatisticsReader(statsQueries),
                    observer,
                    new ProfilerOptions { Arrivals = settings.Arrivals, Random = new Random(settings.Seed), MaxOutstanding = settings.MaxOutstanding, ObeyPushback = settings.ObeyPushback });
                switch (settings.Mode)
                {
                    case RunMode.RateSweep:
                        return report with { Steps = await profiler.RateSweepAsync(settings.Rates, abort).ConfigureAwait(false) };
                    case RunMode.RateSearch:
                        var search = await profiler.SearchAsync(new RateSearch(settings.Rates[0], settings.Rates[^1], settings.SearchP99!.Value.TotalMilliseconds), abort).ConfigureAwait(false);
                        return report with { Steps = search.Probes.Select(p => p.Step).OrderBy(s => s.Rate).ToArray(), Search = search };
                    case RunMode.Rollout:
                        return await RunRolloutAsync(profiler, clock, admin!, feedback, settings, report, abort).ConfigureAwait(false);
                    case RunMode.Fault:
                        var (step, fault) = await profiler.FaultRunAsync(settings.Fault!.Plan, injector!, settings.Rates.Count > 0 ? settings.Rates[0] : null, settings.Concurrency[0], abort).ConfigureAwait(false);
                        return report with { Steps = [step], Fault = fault };
                    default:
                        return report with { Steps = await profiler.ConcurrencySweepAsync(settings.Concurrency, abort).ConfigureAwait(false) };
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Stopped before anything was measured (e.g. while a worker was starting): still write what we have.
        }
        finally
        {
            if (injector is not null)
            {
                await injector.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var stats in statsBackends.Values.Where(b => !ReferenceEquals(b, backend)))
            {
                await stats.DisposeAsync().ConfigureAwait(false);
            }
        }

        report = report with { Run = RunInfo(settings, startedAt, abort.IsCancellationRequested) };
        if (!console.Profile.Capabilities.Interactive)
        {
            console.Profile.Width = ReportWidth; // a log file has no width: the tables are made to fit this one
        }

        ConsoleReportWriter.Write(console, report);
        if (report.Rollout is { } rollout)
        {
            console.WriteLine(RolloutSummaryWriter.Write(rollout));
        }
        else if (feedback is not null)
        {
            await feedback.FlushAsync(FeedbackFlushLimit).ConfigureAwait(false);
            var tally = feedback.Tally;
            console.MarkupLine($"feedback: {tally.Accepted:N0} accepted, {tally.Failed:N0} failed");
        }

        if (settings.OutputPrefix is { } prefix)
        {
            foreach (var path in ReportFiles.Write(report, prefix))
            {
                console.MarkupLine($"wrote {Markup.Escape(path)}");
            }
        }

        return ExitCodes.For(report, abort.IsCancellationRequested);
    }

    /// <summary>
    /// One load level while the rollout is followed; the feedback still queued is sent before the experiment is put
    /// together, so its tally is final.
    /// </summary>
    private static async Task<ProfileReport> RunRolloutAsync(Profiler profiler, LoadClock clock, IRolloutAdmin admin, FeedbackBackend? feedback, RunSettings settings, ProfileReport report, CancellationToken abort)
    {
        var rollout = settings.Rollout!;
        var watcher = new RolloutWatcher(admin, rollout.Ensemble, clock, rollout.Poll);
        double? rate = settings.Rates.Count > 0 ? settings.Rates[0] : null;
        var measured = await profiler.RolloutRunAsync(watcher, rollout.MaxDuration, rate, settings.Concurrency[0], abort).ConfigureAwait(false);
        if (feedback is not null)
        {
            await feedback.FlushAsync(FeedbackFlushLimit).ConfigureAwait(false);
        }

        var experiment = RolloutTimeline.Build(watcher, measured.Records, measured.MeasureStart, clock, feedback?.Tally);
        return report with { Steps = [measured.Summary], Rollout = experiment };
    }

    /// <summary>Checks the model's metadata against what will be sent, and resolves the input and output names.</summary>
    private static async Task<ModelCheckResult> CheckModelAsync(IInferenceBackend backend, RunSettings settings, InputSample sample, IAnsiConsole console, CancellationToken abort)
    {
        var check = await ModelCheck.RunAsync(
            backend,
            new ModelCheckRequest
            {
                Target = settings.Target,
                Model = settings.Model,
                Version = settings.ModelVersion,
                InputName = settings.InputName,
                Shape = sample.Shape,
                OutputName = settings.OutputName,
                OutputNameGiven = settings.OutputNameGiven,
            },
            abort).ConfigureAwait(false);
        if (check.Note is { } note)
        {
            console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }

        return check;
    }

    /// <summary>The --server-stats sources, or by default the target's model.</summary>
    public static IReadOnlyList<StatisticsSource> StatisticsSources(RunSettings settings) =>
        !settings.ServerStatistics ? []
        : settings.ServerStatisticsTargets.Count > 0 ? settings.ServerStatisticsTargets
        : [new StatisticsSource(settings.Target.TrimEnd('/'), settings.Model)];

    private static RunInfo RunInfo(RunSettings s, DateTimeOffset startedAt, bool aborted) => new()
    {
        Target = s.Target,
        Model = s.Model,
        Mode = s.Mode switch
        {
            RunMode.RateSweep => "rate sweep",
            RunMode.RateSearch => "rate search",
            RunMode.Fault => "fault",
            RunMode.Rollout => "rollout",
            _ => "concurrency sweep",
        },
        StartedAt = startedAt,
        BatchSize = s.BatchSize,
        Input = s.Input == InputKind.Dataset ? "dataset" : "random",
        Strategy = s.Strategy,
        RoutingKeyPattern = s.RoutingKeyPattern,
        Connections = s.Connections,
        DeadlineMs = s.Deadline.TotalMilliseconds,
        WarmupSeconds = s.Warmup.TotalSeconds,
        WindowSeconds = s.Window.TotalSeconds,
        StabilityTolerance = s.StabilityTolerance,
        MaxWindows = s.MaxWindows,
        StepTimeLimitSeconds = (s.MaxStepTime ?? s.Warmup + (s.Window * s.MaxWindows * MeasurementOptions.StepTimeFactor)).TotalSeconds,
        LateThresholdMs = s.LateThreshold.TotalMilliseconds,
        Arrivals = s.Mode is RunMode.RateSweep or RunMode.RateSearch || (s.Mode is RunMode.Fault or RunMode.Rollout && s.Rates.Count > 0) ? s.Arrivals.ToString().ToLowerInvariant() : null,
        ServerStatistics = [.. StatisticsSources(s).Select(x => x.ToString())],
        Aborted = aborted,
    };
}
