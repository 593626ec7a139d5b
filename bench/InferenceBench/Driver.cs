using System.Diagnostics;
using System.Globalization;
using EnsembleGrpc.Datasets;

namespace InferenceBench;

/// <summary>
/// Runs the whole benchmark: starts one worker per member and the router, checks the h2load request body, then
/// repeats every measurement (in-process ORT, worker via LoadGen, h2load, router via LoadGen) <c>--reps</c> times,
/// interleaved so slow drift of a shared machine hits every figure alike; stops everything it started.
/// </summary>
internal sealed class Driver(BenchOptions options)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly RunResults _results = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var root = options.RepoRoot;
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var outDir = Path.GetFullPath(Path.Combine(root, options.OutDir));
        var runDir = Path.Combine(outDir, $"inference-{stamp}");
        Directory.CreateDirectory(runDir);
        var bin = Path.Combine("bin", "Release", "net10.0");
        var workerDll = Path.Combine(root, "src", "InferenceServer", bin, "EnsembleGrpc.InferenceServer.dll");
        var loadGenDll = Path.Combine(root, "src", "LoadGen", bin, "EnsembleGrpc.LoadGen.dll");
        var routerDll = Path.Combine(root, "src", "Router", bin, "EnsembleGrpc.Router.dll");
        var datasetPath = Path.Combine(root, "models", "data", "mnist-test.bin");
        foreach (var required in new[] { workerDll, loadGenDll, datasetPath })
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"{required} is missing (bench/inference.sh builds it).");
            }
        }

        var loadBefore = LoadAverage();
        var dataset = EgdsDataset.Load(datasetPath);
        Log($"inference benchmark {stamp}: {Environment.ProcessorCount} CPUs, load average {loadBefore}, ORT {OrtThroughput.OrtVersion}, reps {options.Reps}{(options.Quick ? " (quick)" : "")}; output {runDir}");

        // The request body h2load sends: one real digit, batch 1, raw_input_contents, as LoadGen builds its requests.
        const int digit = 0;
        var request = InferenceClient.DigitRequest(options.Models[0], dataset, digit);
        var bodyFile = Path.Combine(runDir, "modelinfer-request.bin");
        var body = InferenceClient.Frame(request);
        await File.WriteAllBytesAsync(bodyFile, body, cancellationToken);

        var workers = new List<ChildProcess>();
        var workerUris = new Dictionary<string, Uri>();
        ChildProcess? router = null;
        RouterConfig? routerConfig = null;
        RouterAdminReader? admin = null;
        var ortRunners = new List<OrtThroughput>();
        var workerSettings = "dynamic batching scheduler, worker defaults (concurrency 2, intra-op 1, inter-op 1, no spinning, config.json batching), logging at Warning";
        try
        {
            // 1. One worker per member model, started together.
            foreach (var model in options.Models)
            {
                workers.Add(ChildProcess.Start($"worker {model}", "dotnet",
                    [workerDll, "--repository", Path.Combine(root, "models"), "--models", model, "--host", "127.0.0.1", "--port", "0"],
                    options.PidFile, QuietLogging()));
            }

            for (var i = 0; i < workers.Count; i++)
            {
                var uri = await workers[i].WaitListeningAsync(StartTimeout);
                using var client = new InferenceClient(uri);
                await client.WaitReadyAsync([options.Models[i]], StartTimeout, cancellationToken);
                workerUris[options.Models[i]] = uri;
                Log($"worker {options.Models[i]} ready at {uri} (pid {workers[i].Id})");
            }

            var workerUri = workerUris[options.Models[0]];
            using var workerClient = new InferenceClient(workerUri);

            // 2. The h2load body is a valid request: once through our client (status OK, the right digit) and once
            // as the exact bytes over h2c (grpc-status 0 in the trailers), since h2load itself only sees HTTP 200.
            var (predicted, _, _) = await workerClient.InferAsync(request, cancellationToken);
            var label = dataset.Labels[digit];
            _results.Checks.Add($"h2load request body ({body.Length} bytes, {bodyFile}) through our client: status OK, predicted {predicted}, label {label}{(predicted == label ? "" : " (MISMATCH)")}");
            _results.Checks.Add($"the same bytes POSTed over h2c: {await InferenceClient.CheckRawAsync(workerUri, body, cancellationToken)}");
            Log(_results.Checks[^2]);
            Log(_results.Checks[^1]);

            // 3. The router over the workers, unless it is not usable.
            _results.RouterSkipped = options.SkipRouter is { } reason ? $"router not available: {reason}"
                : !File.Exists(routerDll) ? $"router not available: {routerDll} was not built" : null;
            if (_results.RouterSkipped is null)
            {
                try
                {
                    routerConfig = RouterConfig.Create(root, workerUris, Path.Combine(runDir, "routing.json"));
                    var config = routerConfig.Path;
                    // Hot reload on: the open-loop part changes the shadow arm by rewriting the routing file.
                    router = ChildProcess.Start("router", "dotnet", [routerDll, "--config", config, "--host", "127.0.0.1", "--port", "0", "--watch", "true"],
                        options.PidFile, QuietLogging(), workingDirectory: root);
                    var routerUri = await router.WaitListeningAsync(StartTimeout);
                    using var routerClient = new InferenceClient(routerUri);
                    await routerClient.WaitReadyAsync([RouterConfig.Ensemble], StartTimeout, cancellationToken);
                    var (routed, _, parameters) = await routerClient.InferAsync(InferenceClient.DigitRequest(RouterConfig.Ensemble, dataset, digit, "bagging"), cancellationToken);
                    var strategy = parameters.GetValueOrDefault("ensemble_strategy", "(none)");
                    _results.Checks.Add($"router at {routerUri} (pid {router.Id}, {config}): status OK, predicted {routed}, label {label}, ensemble_strategy={strategy}, members_answered={parameters.GetValueOrDefault("members_answered", "?")}");
                    Log(_results.Checks[^1]);
                    if (strategy != "bagging")
                    {
                        _results.Notes.Add($"the router answered with ensemble_strategy={strategy}, not bagging");
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _results.RouterSkipped = $"router not available: {FirstLine(ex.Message)}";
                    Log(_results.RouterSkipped);
                    Log(ex.Message);
                    if (router is not null)
                    {
                        await router.DisposeAsync();
                        router = null;
                    }
                }
            }

            Uri? routerTarget = router is null ? null : await router.WaitListeningAsync(TimeSpan.FromSeconds(1));
            admin = routerTarget is null ? null : new RouterAdminReader(routerTarget);

            // 4. In-process sessions, warmed on every batch size.
            foreach (var model in options.Models)
            {
                var runner = new OrtThroughput(model, Path.Combine(root, "models", model, "1", "model.onnx"), dataset, options.Device);
                ortRunners.Add(runner);
                foreach (var batch in options.OrtBatches.Prepend(1).Distinct())
                {
                    runner.Measure(batch, options.OrtThreads, TimeSpan.FromMilliseconds(100));
                }
            }

            // 5. Warm-up of the served paths (tiered JIT in the worker and router), not measured.
            var loadGen = new LoadGenRunner(loadGenDll, options, datasetPath);
            using var bareClient = new BareClientPeak(workerUri, options.Models[0], dataset, options.H2loadConns[0], options.H2loadStreams);
            using var directFanOut = new DirectFanOut([.. options.Models.Select(m => (m, workerUris[m]))], dataset);
            Log("warm-up: worker, then router, under load until their tiered JIT is quiet; h2load calibration (not measured)");
            var warmup = new SteadyWarmup(loadGen, options, Log);
            await WarmAsync(warmup, workers[0], [], workerUri, options.Models[0], 64, null, Path.Combine(runDir, "warmup-worker"), cancellationToken);
            if (routerTarget is not null)
            {
                await TryAsync("router warm-up", () => WarmAsync(warmup, router!, workers, routerTarget, RouterConfig.Ensemble, 32, "bagging", Path.Combine(runDir, "warmup-router"), cancellationToken));
            }

            var h2load = new H2loadRunner(options, bodyFile);
            var h2loadRequests = new Dictionary<int, long>();
            if (!options.SkipH2load)
            {
                foreach (var conns in options.H2loadConns)
                {
                    var calibration = await h2load.RunAsync(workerUri, workerClient, options.Models[0], conns, 5000, cancellationToken);
                    h2loadRequests[conns] = Math.Clamp((long)(calibration.RequestsPerSecond * options.H2loadSeconds), 2000, 5_000_000);
                    Log($"h2load -c {conns}: calibration {calibration.RequestsPerSecond:N0} req/s -> {h2loadRequests[conns]:N0} requests per repetition");
                }
            }

            // The bare client runs in this process, whose JIT has not seen that load yet: one unmeasured run first.
            var bareWarmup = await bareClient.MeasureAsync(TimeSpan.FromSeconds(2 * options.ServerWarmupSeconds), TimeSpan.FromSeconds(1), cancellationToken);
            Log($"Grpc.Net.Client alone: warm-up {bareWarmup.RequestsPerSecond:N0} req/s, client CPU {bareWarmup.ClientCpuUsPerCall:0} us per call (not measured)");

            // 6. The repetitions, every measurement in each.
            var descendingWorker = options.WorkerLevels.OrderDescending().ToArray();
            var descendingRouter = options.RouterLevels.OrderDescending().ToArray();
            for (var rep = 1; rep <= options.Reps; rep++)
            {
                Log($"repetition {rep}/{options.Reps}: in-process ORT");
                // The model order rotates per repetition, so no model is always measured right after the served load.
                foreach (var runner in ortRunners.Skip((rep - 1) % ortRunners.Count).Concat(ortRunners.Take((rep - 1) % ortRunners.Count)))
                {
                    foreach (var batch in options.OrtBatches.Prepend(1).Distinct())
                    {
                        var sample = runner.Measure(batch, options.OrtThreads, TimeSpan.FromSeconds(options.OrtSeconds));
                        _results.Ort.Add((rep, sample));
                    }

                    Log($"  {runner.Model}: batch 1 {_results.Ort.Last(x => x.Sample.Batch == 1 && x.Sample.Model == runner.Model).Sample.ImagesPerSecond:N0} images/s, " +
                        string.Join(", ", _results.Ort.Where(x => x.Rep == rep && x.Sample.Model == runner.Model && x.Sample.Batch != 1).Select(x => $"batch {x.Sample.Batch} {x.Sample.ImagesPerSecond:N0}")));
                }

                cancellationToken.ThrowIfCancellationRequested();
                Log($"repetition {rep}/{options.Reps}: worker {options.Models[0]} via LoadGen, concurrency {string.Join(',', descendingWorker)}");
                var repLocal = rep;
                await TryAsync($"worker LoadGen rep {rep}", async () =>
                {
                    var probe = new StepProbe([workers[0]], () => workerClient.RowCountAsync(options.Models[0], CancellationToken.None));
                    var steps = await MeasureCpuAsync(rep, [("worker-loadgen", [workers[0]])], workerClient, options.Models[0], cancellationToken,
                        () => loadGen.RunAsync(workerUri, options.Models[0], descendingWorker, Path.Combine(runDir, $"worker-rep{repLocal}"), null, cancellationToken, discardFirstStep: true, onLine: probe.OnLine));
                    await RecordStepCpuAsync(repLocal, probe, steps, [("worker", [0])]);
                    foreach (var s in steps)
                    {
                        _results.Worker.Add((repLocal, s));
                        Log($"  c={s.Concurrency}: {s.Throughput:N0} req/s, p50 {s.P50Ms:0.000} ms, p99 {s.P99Ms:0.000} ms{(s.Requests != s.Succeeded ? $", {s.Requests - s.Succeeded} failed" : "")}");
                    }
                });

                foreach (var conns in h2loadRequests.Keys)
                {
                    await TryAsync($"h2load rep {rep}", async () =>
                    {
                        var s = await MeasureCpuAsync(rep, [("worker-h2load", [workers[0]])], workerClient, options.Models[0], cancellationToken,
                            () => h2load.RunAsync(workerUri, workerClient, options.Models[0], conns, h2loadRequests[conns], cancellationToken));
                        _results.H2load.Add((repLocal, s));
                        Log($"  h2load -c {conns} -m {options.H2loadStreams}: {s.RequestsPerSecond:N0} req/s ({s.Succeeded:N0} succeeded, {s.Failed} failed; server counted {s.ServerSucceeded:N0})");
                    });
                }

                await TryAsync($"bare client rep {rep}", () => MeasureBareClientAsync(repLocal, bareClient, cancellationToken));

                if (routerTarget is not null)
                {
                    Log($"repetition {rep}/{options.Reps}: router via LoadGen (bagging), concurrency {string.Join(',', descendingRouter)}");
                    await TryAsync($"router LoadGen rep {rep}", async () =>
                    {
                        ChildProcess[] serving = [router!, .. workers];
                        var probe = new StepProbe(serving, () => workerClient.RowCountAsync(options.Models[0], CancellationToken.None));
                        IReadOnlyList<ServedSample> steps;
                        var rss = new RssSampler(serving, () => probe.CurrentStep, TimeSpan.FromMilliseconds(options.RssIntervalMs));
                        await using (rss)
                        {
                            steps = await MeasureCpuAsync(rep, [("router-path", serving), ("router-only", [router!])], workerClient, options.Models[0], cancellationToken,
                                () => loadGen.RunAsync(routerTarget, RouterConfig.Ensemble, descendingRouter, Path.Combine(runDir, $"router-rep{repLocal}"), "bagging", cancellationToken, discardFirstStep: true, onLine: probe.OnLine));
                        }

                        await RecordStepCpuAsync(repLocal, probe, steps, [("router-only", [0]), ("router-path", [.. Enumerable.Range(0, serving.Length)])]);
                        // The sweep runs its highest level first, twice (the first run is LoadGen's own warm-up): both are the peak.
                        RecordRss(repLocal, $"router c={descendingRouter[0]} (peak)", serving, rss, step => step is 0 or 1);
                        foreach (var s in steps)
                        {
                            _results.Router.Add((repLocal, s));
                            Log($"  c={s.Concurrency}: {s.Throughput:N0} req/s, p50 {s.P50Ms:0.000} ms, p99 {s.P99Ms:0.000} ms{(s.Requests != s.Succeeded ? $", {s.Requests - s.Succeeded} failed" : "")}");
                        }
                    });

                    await TryAsync($"router one-member LoadGen rep {rep}", () => MeasureOneMemberAsync(repLocal, routerTarget, loadGen, runDir, cancellationToken));
                    await TryAsync($"direct fan-out rep {rep}", () => MeasureDirectFanOutAsync(repLocal, directFanOut, cancellationToken));

                    if (!options.SkipOpenLoop && admin is not null && routerConfig is not null)
                    {
                        await TryAsync($"open loop rep {rep}", () => OpenLoopAsync(repLocal, router!, workers, routerTarget, routerConfig, admin, loadGen, runDir, cancellationToken));
                    }
                }

                _results.RepsDone = rep;
            }
        }
        finally
        {
            foreach (var runner in ortRunners)
            {
                runner.Dispose();
            }

            admin?.Dispose();
            if (router is not null)
            {
                await router.DisposeAsync();
            }

            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        }

        if (options.Reps < 3)
        {
            _results.Notes.Add($"only {options.Reps} repetition(s): medians of fewer than 3 are weak on a shared machine");
        }

        var info = new RunInfo(stamp, Environment.ProcessorCount, CpuModel(), loadBefore, LoadAverage(), GitCommit(root), Environment.Version.ToString(), OrtThroughput.OrtVersion,
            workerSettings, Math.Round(_clock.Elapsed.TotalSeconds, 1), runDir);
        var analysis = new Analysis(options, _results);
        var table = Report.Table(analysis, info);
        Console.WriteLine(table);
        var jsonPath = Path.Combine(outDir, $"inference-{stamp}.json");
        await File.WriteAllTextAsync(jsonPath, Report.Json(analysis, info), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(runDir, "table.txt"), table, CancellationToken.None);
        Console.WriteLine($"JSON: {jsonPath}");
        Console.WriteLine($"LoadGen reports (JSON, CSV, SVG), the request body and the routing file: {runDir}/");
        Console.WriteLine($"elapsed {_clock.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    /// <summary>
    /// Goals 5 and 6: the router in open loop (Poisson arrivals) at <see cref="BenchOptions.OpenShare"/> × its best
    /// closed-loop requests/s of this repetition, once per shadow setting (no shadow first in repetition 1; the order
    /// rotates per repetition), each after a hot reload of the routing file that RouterAdmin confirms. Every setting of a
    /// repetition uses the same arrival seed, so they see the same schedule. The router goes back to no shadow at the end.
    /// </summary>
    private async Task OpenLoopAsync(int rep, ChildProcess router, List<ChildProcess> workers, Uri target, RouterConfig config, RouterAdminReader admin,
        LoadGenRunner loadGen, string runDir, CancellationToken cancellationToken)
    {
        var best = _results.Router.Where(x => x.Rep == rep && x.Sample.Succeeded > 0).Select(x => x.Sample.Throughput).DefaultIfEmpty(double.NaN).Max();
        if (double.IsNaN(best) || best <= 0)
        {
            throw new InvalidOperationException("no closed-loop router throughput in this repetition to take the rate from");
        }

        var rate = Math.Max(1, Math.Round(options.OpenShare * best));
        var settings = ShadowSetting.All(options);
        settings = [.. settings.Skip((rep - 1) % settings.Count), .. settings.Take((rep - 1) % settings.Count)];
        Log($"repetition {rep}/{options.Reps}: router open loop ({LoadGenRunner.OpenLoopArrivals} arrivals) at {rate:N0} req/s = {options.OpenShare:0.##} x {best:N0}; {string.Join(", ", settings.Select(x => x.Name))}");
        ChildProcess[] serving = [router, .. workers];
        var current = ShadowSetting.None;
        var rss = new RssSampler(serving, () => 0, TimeSpan.FromMilliseconds(options.RssIntervalMs));
        try
        {
            foreach (var setting in settings)
            {
                if (setting != current)
                {
                    await ApplyShadowAsync(config, admin, setting, cancellationToken);
                    current = setting;
                }

                await WaitBreakersAsync(admin, config, rep, setting, cancellationToken);
                var before = await admin.ShadowAsync(RouterConfig.Ensemble, cancellationToken);
                var prefix = Path.Combine(runDir, $"open-rep{rep}-{(setting.IsNone ? "none" : $"{setting.Kind}{setting.Percent}")}");
                var s = await loadGen.RunOpenAsync(target, RouterConfig.Ensemble, rate, seed: rep, prefix, "bagging", cancellationToken);
                if (!setting.IsNone)
                {
                    await DrainShadowAsync(admin, rep, setting, cancellationToken);
                }

                // Read after the drain: the counts cover every copy the step enqueued.
                var after = await admin.ShadowAsync(RouterConfig.Ensemble, cancellationToken);
                var shadow = after is null ? null : RouterAdminReader.Delta(before?.Counters, after.Counters);

                _results.OpenLoop.Add((rep, new OpenLoopSample(setting.Name, setting.Kind, setting.Percent, rate, s, shadow)));
                var counts = shadow is null ? "" : "; shadow " + string.Join(", ", shadow.Where(kv => kv.Value > 0 || !kv.Key.Contains('.', StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value}"));
                Log($"  {setting.Name,-20} {s.Throughput:N0} req/s, p50 {s.P50Ms:0.000} ms, p99 {s.P99Ms:0.000} ms{(s.Requests != s.Succeeded ? $", {s.Requests - s.Succeeded} failed" : "")}{(s.LateSends > 0 ? $", {s.LateSends} late sends" : "")}{(s.Unanswered > 0 ? $", {s.Unanswered} of {s.Sent} sent unanswered" : "")}{(s.Incomplete ? " (INCOMPLETE)" : "")}{counts}");
            }
        }
        finally
        {
            await rss.DisposeAsync();
            RecordRss(rep, "open loop, every shadow setting", serving, rss, _ => true);
            if (current != ShadowSetting.None)
            {
                await ApplyShadowAsync(config, admin, ShadowSetting.None, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Shadow copies still queued when a step ends would run during the next setting's step (which may have no shadow
    /// at all): wait (bounded, noted) until the shadow has finished what it enqueued, by its own RouterAdmin counters.
    /// </summary>
    private async Task DrainShadowAsync(RouterAdminReader admin, int rep, ShadowSetting setting, CancellationToken cancellationToken)
    {
        // An enqueued copy ends completed, failed, rejected or shed (a shed copy is also in 'dropped', with the copies
        // the full queue refused, which were never enqueued).
        static long Pending(ShadowState? s) => s is null || !s.Counters.TryGetValue("enqueued", out var enqueued) ? 0
            : (long)enqueued - s.Counters.Where(kv => kv.Key is "completed" or "errors" or "rejected" or "shed").Sum(kv => (long)kv.Value);
        var clock = Stopwatch.StartNew();
        var pending = Pending(await admin.ShadowAsync(RouterConfig.Ensemble, cancellationToken));
        if (pending <= 0)
        {
            return;
        }

        var first = pending;
        while (pending > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100, cancellationToken);
            pending = Pending(await admin.ShadowAsync(RouterConfig.Ensemble, cancellationToken));
        }

        Log($"  after '{setting.Name}': {first} shadow copies were still queued or running; waited {clock.Elapsed.TotalSeconds:0.0} s for them{(pending > 0 ? $", {pending} left" : "")}");
        if (pending > 0)
        {
            _results.Notes.Add($"rep {rep}: after '{setting.Name}' {pending} shadow copies were still pending after 10 s (the next step ran with them)");
        }
    }

    /// <summary>
    /// A step that overloaded the workers can leave breakers open; the next setting would inherit them. An open breaker
    /// only lets a probe through after its break duration, and only a call moves it on, so the driver waits that long
    /// once (and notes it) instead of polling a state that cannot change without traffic.
    /// </summary>
    private async Task WaitBreakersAsync(RouterAdminReader admin, RouterConfig config, int rep, ShadowSetting setting, CancellationToken cancellationToken)
    {
        var open = await admin.OpenBreakersAsync(RouterConfig.Ensemble, cancellationToken);
        if (open.Count == 0)
        {
            return;
        }

        var wait = config.BreakDuration + TimeSpan.FromMilliseconds(500);
        var what = $"rep {rep}: before '{setting.Name}' breakers were open ({string.Join(", ", open)}); waited their break duration + 0.5 s ({wait.TotalSeconds:0.0} s)";
        _results.Notes.Add(what);
        Log("  " + what);
        await Task.Delay(wait, cancellationToken);
    }

    /// <summary>Rewrites the routing file and waits until RouterAdmin shows the new version with the expected shadow (bounded).</summary>
    private static async Task ApplyShadowAsync(RouterConfig config, RouterAdminReader admin, ShadowSetting setting, CancellationToken cancellationToken)
    {
        var version = await admin.ConfigVersionAsync(cancellationToken);
        config.Apply(setting);
        var expectedArm = setting.Kind == ShadowSetting.SameMembersKind ? RouterConfig.SameMembersArm : RouterConfig.OtherMembersArm;
        var clock = Stopwatch.StartNew();
        var touched = false;
        while (true)
        {
            if (await admin.ConfigVersionAsync(cancellationToken) > version)
            {
                var shadow = await admin.ShadowAsync(RouterConfig.Ensemble, cancellationToken);
                var matches = setting.IsNone
                    ? shadow is null || shadow.SamplePercent == 0
                    : shadow is not null && shadow.Arm == expectedArm && Math.Abs(shadow.SamplePercent - setting.Percent) < 1e-9;
                if (matches)
                {
                    return;
                }
            }

            if (!touched && clock.Elapsed > TimeSpan.FromSeconds(3))
            {
                config.Touch(); // a watcher that missed the rename gets a plain write
                touched = true;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new TimeoutException($"the router did not hot-reload {config.Path} to '{setting.Name}' within 15 s (GetConfig version stayed {version} or the shadow differs); its log says why");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// The router over its first member alone at concurrency 1, right after the full ensemble's c=1 step: the router's
    /// own hop, without the fan-out (see <see cref="RouterConfig.OneMemberEnsemble"/>).
    /// </summary>
    private async Task MeasureOneMemberAsync(int rep, Uri routerTarget, LoadGenRunner loadGen, string runDir, CancellationToken cancellationToken)
    {
        Log($"repetition {rep}/{options.Reps}: router over one member ({RouterConfig.OneMemberEnsemble}), concurrency 1");
        var steps = await loadGen.RunAsync(routerTarget, RouterConfig.OneMemberEnsemble, [1], Path.Combine(runDir, $"router-one-rep{rep}"), "bagging", cancellationToken, discardFirstStep: true);
        foreach (var s in steps)
        {
            _results.RouterOne.Add((rep, s));
            Log($"  c={s.Concurrency}: {s.Throughput:N0} req/s, p50 {s.P50Ms:0.000} ms, p99 {s.P99Ms:0.000} ms{(s.Requests != s.Succeeded ? $", {s.Requests - s.Succeeded} failed" : "")}");
        }
    }

    /// <summary>Grpc.Net.Client alone against the worker, at h2load's connections and streams (<see cref="BareClientPeak"/>).</summary>
    private async Task MeasureBareClientAsync(int rep, BareClientPeak bareClient, CancellationToken cancellationToken)
    {
        var s = await bareClient.MeasureAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(options.H2loadSeconds), cancellationToken);
        _results.BareClient.Add((rep, s));
        Log($"  Grpc.Net.Client alone, {s.Connections} connections x {s.Concurrency / s.Connections} calls: {s.RequestsPerSecond:N0} req/s, client CPU {s.ClientCpuUsPerCall:0} us per call{(s.Failures > 0 ? $", {s.Failures} failed" : "")}");
    }

    /// <summary>Every member's worker called at once by one client, no router, against the first alone (<see cref="DirectFanOut"/>).</summary>
    private async Task MeasureDirectFanOutAsync(int rep, DirectFanOut directFanOut, CancellationToken cancellationToken)
    {
        Log($"repetition {rep}/{options.Reps}: the workers called directly, the first alone and all {options.Models.Length} at once, concurrency 1 (no router)");
        var s = await directFanOut.MeasureAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(options.DirectFanOutSeconds), cancellationToken);
        _results.DirectFanOut.Add((rep, s));
        Log($"  first worker alone: p50 {s.OneP50Ms:0.000} ms, p99 {s.OneP99Ms:0.000} ms ({s.OneCalls} calls); all at once: p50 {s.AllP50Ms:0.000} ms, p99 {s.AllP99Ms:0.000} ms ({s.AllCalls} calls)");
    }

    /// <summary>Pairs the probe's steps with LoadGen's (the first, discarded step too) and records each group's CPU per request.</summary>
    private async Task RecordStepCpuAsync(int rep, StepProbe probe, IReadOnlyList<ServedSample> kept, (string Part, int[] Processes)[] groups)
    {
        var costs = await probe.StepsAsync();
        if (costs.Count != kept.Count + 1)
        {
            _results.Notes.Add($"rep {rep}: per-step CPU not recorded ({costs.Count} step edges seen on LoadGen's console for {kept.Count + 1} steps)");
            return;
        }

        foreach (var (cost, sample) in costs.Skip(1).Zip(kept))
        {
            foreach (var (part, indices) in groups)
            {
                var cpu = indices.Sum(i => cost.CpuSeconds[i]);
                _results.StepCpu.Add((rep, new StepCpuSample(part, sample.Concurrency, cost.Requests == 0 ? double.NaN : cpu * 1e6 / cost.Requests, cost.Requests, cpu, cost.Seconds)));
            }
        }
    }

    private void RecordRss(int rep, string phase, ChildProcess[] processes, RssSampler sampler, Func<int, bool> steps)
    {
        var max = sampler.MaxRss(steps);
        for (var i = 0; i < processes.Length; i++)
        {
            _results.Rss.Add((rep, new RssSample(processes[i].Name, phase, max[i].MaxKb, i < sampler.HwmKb.Length ? sampler.HwmKb[i] : -1, max[i].Samples)));
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> and records, for each named group of processes, their CPU time over it divided by
    /// the requests the first member's worker served meanwhile (its ModelStatistics inference_count: rows, one per batch-1
    /// request, however the router batched them).
    /// </summary>
    private async Task<T> MeasureCpuAsync<T>(int rep, (string Part, ChildProcess[] Processes)[] parts, InferenceClient counter, string model,
        CancellationToken cancellationToken, Func<Task<T>> action)
    {
        var before = parts.Select(p => p.Processes.Select(x => x.CpuTime).ToArray()).ToArray();
        var countBefore = await counter.RowCountAsync(model, cancellationToken);
        var result = await action();
        var requests = await counter.RowCountAsync(model, cancellationToken) - countBefore;
        for (var i = 0; i < parts.Length; i++)
        {
            var cpu = parts[i].Processes.Select((x, j) => (x.CpuTime - before[i][j]).TotalSeconds).Sum();
            _results.Cpu.Add((rep, new CpuSample(parts[i].Part, requests == 0 ? double.NaN : cpu * 1e6 / requests, requests, cpu)));
        }

        return result;
    }

    /// <summary>One failed measurement is a note in the report, not the end of the run.</summary>
    private async Task TryAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _results.Notes.Add($"{what} failed: {FirstLine(ex.Message)}");
            Log($"{what} FAILED: {ex.Message}");
        }
    }

    /// <summary>Per-request logs off in the servers; Kestrel's "Now listening on" line stays.</summary>
    private static Dictionary<string, string> QuietLogging() => new()
    {
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private async Task WarmAsync(SteadyWarmup warmup, ChildProcess process, IReadOnlyList<ChildProcess> behind, Uri target, string model, int concurrency,
        string? strategy, string outputPrefix, CancellationToken cancellationToken)
    {
        var rounds = await warmup.RunAsync(process, behind, target, model, concurrency, strategy, outputPrefix, cancellationToken);
        _results.Warmup.AddRange(rounds);
        if (!SteadyWarmup.IsSteady(rounds))
        {
            _results.Notes.Add($"{process.Name}: a tiered-compilation thread (its own or a worker's behind it) was still busy ({rounds[^1].JitShare:P1} of the last round) after {rounds.Count} warm-up rounds " +
                $"(--server-warmup-max {options.ServerWarmupMaxSeconds:0} s): the first repetition may measure the JIT");
        }
    }

    private void Log(string line) => Console.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {line}");

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string GitCommit(string root)
    {
        try
        {
            var head = File.ReadAllText(Path.Combine(root, ".git", "HEAD")).Trim();
            if (head.StartsWith("ref: ", StringComparison.Ordinal))
            {
                var reference = Path.Combine(root, ".git", head[5..]);
                head = File.Exists(reference) ? File.ReadAllText(reference).Trim() : head;
            }

            return head.Length >= 12 ? head[..12] + " (+ uncommitted changes, if any)" : head;
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
