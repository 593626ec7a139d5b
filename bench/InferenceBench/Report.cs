using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceBench;

/// <summary>The console table and the machine-readable JSON of one run; formatting only.</summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Table(Analysis a, RunInfo info)
    {
        var o = a.Options;
        var s = new StringBuilder();
        s.AppendLine();
        s.AppendLine($"=== Inference benchmark: {info.Stamp}, {info.Cpus} CPUs ({info.CpuModel}), load average {info.LoadBefore} -> {info.LoadAfter}, {a.Results.RepsDone} reps, medians [min-max] ===");
        s.AppendLine();
        s.AppendLine($"1. In-process ONNX Runtime {info.OrtVersion} (the limit): one session per model, {o.OrtThreads} threads calling Run concurrently, intra-op 1, no spinning, device {o.Device}, {o.OrtSeconds:0.##} s per measurement");
        s.AppendLine($"   {"model",-13} {"batch",5}  {"images/s",28}  {"p50 per Run",12}");
        foreach (var model in o.Models)
        {
            foreach (var batch in a.OrtBatchesMeasured)
            {
                var best = a.BestBatch[model] == batch ? "  <- best batch" : "";
                s.AppendLine($"   {model,-13} {batch,5}  {Fmt(a.OrtImages[(model, batch)], "N0"),28}  {Us(a.OrtP50[(model, batch)].Median),12}{best}");
            }
        }

        s.AppendLine($"   ensemble limit (1/Σ(1/Tᵢ), = member/3 for equal members): batch 1 {N0(a.EnsembleLimit(false))} images/s, best batches {N0(a.EnsembleLimit(true))} images/s");
        s.AppendLine();
        s.AppendLine($"2. One worker ({a.FirstModel}) through gRPC, batch-1 requests, LoadGen closed loop ({o.Connections} connections, warm-up {o.WarmupSeconds:0.##} s, {o.WindowSeconds:0.##} s windows, <= {o.MaxWindows})");
        s.AppendLine($"   {"conc",4}  {"requests/s",26}  {"p50 ms",7}  {"p99 ms",7}  {"failed",6}  server/request: {"queue us",8} {"compute us",10} {"mean batch",10}");
        foreach (var (level, w) in a.Worker.OrderBy(x => x.Key))
        {
            s.AppendLine($"   {level,4}  {Fmt(w.Throughput, "N0"),26}  {F(w.P50.Median, "0.000"),7}  {F(w.P99.Median, "0.000"),7}  {w.Failed,6}                  {F(w.ServerQueueUs.Median, "0.0"),8} {F(w.ServerComputeUs.Median, "0.0"),10} {F(w.ServerMeanBatch.Median, "0.00"),10}{Unstable(w, a.Results.RepsDone)}");
        }

        s.AppendLine();
        if (a.H2load.Count == 0)
        {
            s.AppendLine("3. h2load: skipped");
        }
        else
        {
            s.AppendLine($"3. h2load -> the same worker, the same framed ModelInfer request (one real digit, raw_input_contents), -m {o.H2loadStreams} -t 1");
            foreach (var (conns, figure) in a.H2load.OrderBy(x => x.Key))
            {
                var runs = a.Results.H2load.Where(x => x.Sample.Connections == conns).Select(x => x.Sample).ToArray();
                var confirmed = runs.All(r => r.Failed == 0 && r.Errored == 0 && (ulong)r.Succeeded == r.ServerSucceeded);
                s.AppendLine($"   -c {conns,-3} {Fmt(figure, "N0"),26} req/s  ({runs.Sum(r => r.Succeeded):N0} succeeded; server's success count {(confirmed ? "matches every run" : "DIFFERS: " + string.Join(", ", runs.Select(r => $"{r.Succeeded} vs {r.ServerSucceeded}")))})");
            }
        }

        s.AppendLine();
        if (a.Results.RouterSkipped is { } why)
        {
            s.AppendLine($"4. Router: SKIPPED - {why}");
        }
        else
        {
            s.AppendLine($"4. Router ensemble '{RouterConfig.Ensemble}' (strategy bagging, {o.Models.Length} workers, one per member), batch-1 requests, LoadGen closed loop");
            s.AppendLine($"   {"conc",4}  {"requests/s",26}  {"p50 ms",7}  {"p99 ms",7}  {"failed",6}  {"accuracy",8}  strategies");
            foreach (var (level, r) in a.Router.OrderBy(x => x.Key))
            {
                var best = a.BestRouterLevel == level ? "  <- best" : "";
                var strategies = string.Join(" ", r.Strategies.Select(kv => $"{kv.Key}:{kv.Value}"));
                s.AppendLine($"   {level,4}  {Fmt(r.Throughput, "N0"),26}  {F(r.P50.Median, "0.000"),7}  {F(r.P99.Median, "0.000"),7}  {r.Failed,6}  {F(r.Accuracy, "0.0000"),8}  {strategies}{best}{Unstable(r, a.Results.RepsDone)}");
            }

            if (a.RouterOne is { } one)
            {
                s.AppendLine($"   {1,4}  {Fmt(one.Throughput, "N0"),26}  {F(one.P50.Median, "0.000"),7}  {F(one.P99.Median, "0.000"),7}  {one.Failed,6}  {F(one.Accuracy, "0.0000"),8}  " +
                    $"ensemble '{RouterConfig.OneMemberEnsemble}': the first member alone (the router's own hop){Unstable(one, a.Results.RepsDone)}");
            }
        }

        s.AppendLine();
        s.AppendLine("5. CPU cost (process CPU time per image or request; far less disturbed by other work on the machine than throughput)");
        s.AppendLine($"   in-process {a.FirstModel}: batch 1 {Fmt(a.OrtCpu[(a.FirstModel, 1)], "0.0")} us/image" +
            (a.BestBatch[a.FirstModel] > 0 ? $", batch {a.BestBatch[a.FirstModel]} {Fmt(a.OrtCpu[(a.FirstModel, a.BestBatch[a.FirstModel])], "0.0")} us/image" : "") +
            $"; members at batch 1 together {F(o.Models.Sum(m => a.OrtCpu[(m, 1)].Median), "0.0")} us/image");
        foreach (var (part, label) in new[] { ("worker-loadgen", "worker under LoadGen (all levels)"), ("worker-h2load", "worker under h2load"),
            ("router-path", "router + 3 workers per ensemble request"), ("router-only", "router alone per ensemble request") })
        {
            if (a.Cpu.TryGetValue(part, out var figure))
            {
                s.AppendLine($"   {label,-42} {Fmt(figure, "0.0"),26} us/request");
            }
        }

        if (a.StepCpu.Count > 0)
        {
            s.AppendLine("   per closed-loop step (one concurrency, its warm-up included), us/request:");
            s.AppendLine($"   {"conc",6}  {"worker alone",26}  {"router alone",26}  {"router + workers",26}");
            foreach (var level in a.StepCpu.Keys.Select(k => k.Concurrency).Distinct().Order())
            {
                string Cell(string part) => a.StepCpu.TryGetValue((part, level), out var f) ? Fmt(f, "0.0") : "n/a";
                s.AppendLine($"   {level,6}  {Cell("worker"),26}  {Cell("router-only"),26}  {Cell("router-path"),26}{(a.BestRouterLevel == level ? "  <- router's best" : "")}");
            }
        }

        s.AppendLine();
        if (a.Rss.Count == 0)
        {
            s.AppendLine("6. Memory: not measured (no router part)");
        }
        else
        {
            s.AppendLine($"6. Memory (/proc/<pid>/status every {o.RssIntervalMs} ms; MB = 10^6 bytes): max VmRSS during the phase, and VmHWM (the process's lifetime peak) at its end");
            s.AppendLine($"   {"process",-22} {"phase",-34} {"max VmRSS MB",20} {"VmHWM MB",20}");
            foreach (var ((process, phase), (rss, hwm)) in a.Rss.OrderBy(x => x.Key.Phase.EndsWith("(peak)", StringComparison.Ordinal) ? 0 : 1).ThenBy(x => x.Key.Process == "router" ? 0 : 1).ThenBy(x => x.Key.Process))
            {
                s.AppendLine($"   {process,-22} {phase,-34} {Fmt(rss, "0"),20} {Fmt(hwm, "0"),20}");
            }
        }

        s.AppendLine();
        if (a.OpenLoop.Count == 0)
        {
            s.AppendLine("7. Open loop: not measured" + (o.SkipOpenLoop ? " (--skip-open-loop)" : a.Results.RouterSkipped is null ? " (see the notes)" : " (no router)"));
        }
        else
        {
            s.AppendLine($"7. Router open loop: {LoadGenRunner.OpenLoopArrivals} arrivals (exponential gaps, seed = repetition) at {o.OpenShare:0.##} x the router's best closed-loop requests/s of each repetition, " +
                $"batch-1 bagging requests, latency from the intended send time; warm-up {o.WarmupSeconds:0.##} s, {o.OpenWindowSeconds:0.##} s windows, <= {o.MaxWindows}. " +
                "The shadow is set by rewriting the routing file (hot reload, confirmed through RouterAdmin before each step)");
            s.AppendLine($"   {"setting",-22} {"rate req/s",20} {"served req/s",20} {"p50 ms",7} {"p99 ms",26} {"failed",6} {"unansw",6} {"late",5}  shadow counters over the steps (RouterAdmin GetStatistics, summed over reps)");
            foreach (var (setting, f) in a.OpenLoop.OrderBy(x => x.Value.Kind == ShadowSetting.NoneKind ? 0 : 1).ThenBy(x => x.Value.Kind).ThenBy(x => x.Value.Percent))
            {
                var counts = f.Shadow.Count == 0 ? (f.Kind == ShadowSetting.NoneKind ? "" : "none reported")
                    : string.Join(", ", f.Shadow.Where(kv => kv.Value > 0 || !kv.Key.Contains('.', StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value}"));
                s.AppendLine($"   {setting,-22} {Fmt(f.Rate, "N0"),20} {Fmt(f.Throughput, "N0"),20} {F(f.P50.Median, "0.000"),7} {Fmt(f.P99, "0.000"),26} {f.Failed,6} {f.Unanswered,6} {f.LateSends,5}  {counts}{(f.Incomplete > 0 ? $"  (incomplete in {f.Incomplete} reps)" : "")}");
            }
        }

        s.AppendLine();
        s.AppendLine("Ratios (ratio of the medians; [min-max] of the same ratio within each repetition):");
        foreach (var ratio in a.Ratios)
        {
            var diff = ratio.DifferenceMs is { } d ? $"  ({(d >= 0 ? "+" : "")}{d.ToString("0.000", Inv)} ms)" : "";
            s.AppendLine($"   {ratio.Name,-50} {F(ratio.Value, "0.000"),7}  [{F(ratio.RepMin, "0.000")}-{F(ratio.RepMax, "0.000")}]{diff}");
        }

        s.AppendLine();
        s.AppendLine($"Goals of issue 10 (each value computed within a repetition, then the median [min-max] over {a.Results.RepsDone} reps; the mark judges the median, (k/n) counts the reps that meet it):");
        foreach (var goal in a.Goals)
        {
            var value = goal.Value.HasValue
                ? $"{goal.Value.Median.ToString(goal.Format, Inv)} {goal.Unit} [{goal.Value.Min.ToString(goal.Format, Inv)} - {goal.Value.Max.ToString(goal.Format, Inv)}]"
                : "n/a";
            var reps = goal.Meets is null ? "" : $" ({goal.RepsMeeting}/{goal.Value.Count})";
            s.AppendLine($"   {goal.Id,-14} {goal.Name,-38} {value,-32} target {goal.Target,-28} {goal.Verdict}{reps}");
            if (goal.Detail is { } detail)
            {
                s.AppendLine($"   {"",-14} {detail}");
            }

            s.AppendLine($"   {"",-14} = {goal.Definition}");
        }

        s.AppendLine();
        foreach (var group in a.Results.Warmup.GroupBy(r => r.Process))
        {
            var steady = SteadyWarmup.IsSteady([.. group]);
            s.AppendLine($"warm-up {group.Key} ({o.ServerWarmupSeconds:0.#} s rounds, {(steady ? "steady" : "NOT steady")}): us CPU/request " +
                string.Join(" -> ", group.Select(r => F(r.CpuUsPerRequest, "0"))) + "; req/s " + string.Join(" -> ", group.Select(r => F(r.RequestsPerSecond, "0"))) +
                "; busiest JIT thread % of the round " + string.Join(" -> ", group.Select(r => F(100 * r.JitShare, "0.#"))));
        }

        foreach (var check in a.Results.Checks)
        {
            s.AppendLine($"check: {check}");
        }

        foreach (var note in a.Results.Notes)
        {
            s.AppendLine($"note: {note}");
        }

        return s.ToString();
    }

    public static string Json(Analysis a, RunInfo info)
    {
        var o = a.Options;
        var document = new
        {
            Benchmark = "inference",
            Run = info,
            Options = new
            {
                o.Quick, o.Reps, o.Models, o.OrtSeconds, o.OrtBatches, o.OrtThreads, o.WorkerLevels, o.RouterLevels, o.WarmupSeconds,
                o.ServerWarmupSeconds, o.ServerWarmupMaxSeconds,
                o.WindowSeconds, o.MaxWindows, o.Connections, o.H2loadSeconds, o.H2loadConns, o.H2loadStreams,
                o.OpenShare, o.OpenWindowSeconds, o.ShadowKinds, o.ShadowPercents, o.SkipOpenLoop, o.RssIntervalMs,
                OpenLoopArrivals = LoadGenRunner.OpenLoopArrivals,
            },
            Definitions = new Dictionary<string, string>
            {
                ["figure"] = "median over the repetitions, with min and max",
                ["ort"] = $"one InferenceSession per model (intra-op 1, inter-op 1, no spinning), {o.OrtThreads} threads calling Run (RunWithBinding, OrtValues bound once) concurrently on real test digits; images/s = rows / elapsed; p50 per Run call",
                ["ensemble_limit"] = "1 / sum over members of 1/images_per_s (every image runs through every member on the same cores; = member limit / 3 for three equal members)",
                ["worker"] = "LoadGen closed loop, batch-1 requests of real digits, requests/s, client latency; server = ModelStatistics delta per request",
                ["h2load"] = "h2load POSTing one framed ModelInferRequest (one real digit, raw_input_contents) with content-type application/grpc and te: trailers",
                ["router"] = "LoadGen against the router's virtual model with ensemble_strategy=bagging, one worker per member; shadow sampling removed from the bench routing file",
                ["cpu"] = "process CPU time (user + system, all threads) per image in-process, or of the serving processes per request over a whole part (LoadGen's warm-up steps included); requests counted as the rows the first member ran (ModelStatistics inference_count)",
                ["ratio_range"] = "min and max of the same ratio computed within each repetition (paired samples)",
                ["step_cpu"] = "CPU time of a group of serving processes over one LoadGen step (its warm-up included), from the step's start and end lines on LoadGen's console, per request counted by the first member's ModelStatistics in that time; parts: worker, router-only, router-path (router + every worker)",
                ["rss"] = "max VmRSS (MB = 10^6 bytes) sampled from /proc/<pid>/status during the phase, and VmHWM at its end; the router's peak phase is its highest-concurrency closed-loop step (run twice: LoadGen's discarded first step and the measured one)",
                ["open_loop"] = "LoadGen open loop with Poisson arrivals (seed = repetition) at open_share x the router's best closed-loop requests/s of the same repetition; latency from the intended send time; one step per shadow setting after a hot reload confirmed by RouterAdmin; shadow counters = RouterAdmin GetStatistics deltas over the step",
                ["warmup"] = "rounds of unmeasured load before the first repetition (worker at concurrency 64, router at 32 with bagging) until a round (the second or later) in which the tiered-compilation thread ('.NET Tiered Com', /proc/<pid>/task/*/stat) of the process, and for the router of every worker behind it, was on a CPU for at most 2% of the round's wall time (at most server_warmup_max_seconds); cpu_us_per_request = the process's CPU over the whole LoadGen run / the requests answered in its window; jit_share = the largest of those threads' CPU time / the round's wall time",
                ["goals"] = "each goal's value is computed within each repetition (paired); value = median over the repetitions with min and max; meets judges the median against the target; reps_meeting counts repetitions whose own value meets it; meets is null for informational lines",
            },
            InProcess = o.Models.SelectMany(m => a.OrtBatchesMeasured.Select(b => new
            {
                Model = m,
                Batch = b,
                ImagesPerSecond = a.OrtImages[(m, b)],
                P50Us = a.OrtP50[(m, b)],
                Best = a.BestBatch[m] == b,
            })),
            InProcessCpuUsPerImage = o.Models.SelectMany(m => a.OrtBatchesMeasured.Select(b => new { Model = m, Batch = b, CpuUs = a.OrtCpu[(m, b)] })),
            ServedCpuUsPerRequest = a.Cpu,
            EnsembleLimit = new { Batch1 = a.EnsembleLimit(false), BestBatch = a.EnsembleLimit(true) },
            Worker = a.Worker.OrderBy(x => x.Key).Select(x => new { Concurrency = x.Key, Model = a.FirstModel, Figures = x.Value }),
            H2load = a.H2load.OrderBy(x => x.Key).Select(x => new { Connections = x.Key, Streams = o.H2loadStreams, RequestsPerSecond = x.Value }),
            Router = a.Results.RouterSkipped is null ? a.Router.OrderBy(x => x.Key).Select(x => new { Concurrency = x.Key, Figures = x.Value }) : null,
            RouterSkipped = a.Results.RouterSkipped,
            BestRouterConcurrency = a.BestRouterLevel,
            StepCpuUsPerRequest = a.StepCpu.OrderBy(x => x.Key.Part).ThenBy(x => x.Key.Concurrency).Select(x => new { x.Key.Part, x.Key.Concurrency, CpuUs = x.Value }),
            Memory = a.Rss.Select(x => new { x.Key.Process, x.Key.Phase, MaxRssMb = x.Value.MaxRssMb, HwmMb = x.Value.HwmMb }),
            OpenLoop = a.OpenLoop.Select(x => new { Setting = x.Key, Figures = x.Value }),
            a.Goals,
            a.Ratios,
            Warmup = a.Results.Warmup.GroupBy(r => r.Process).Select(g => new
            {
                Process = g.Key,
                Steady = SteadyWarmup.IsSteady([.. g]),
                Rounds = g.Select(r => new { r.Round, r.RequestsPerSecond, r.CpuUsPerRequest, r.JitShare }),
            }),
            a.Results.Checks,
            a.Results.Notes,
            Samples = new
            {
                Ort = a.Results.Ort.Select(x => new { x.Rep, x.Sample }),
                Worker = a.Results.Worker.Select(x => new { x.Rep, x.Sample }),
                H2load = a.Results.H2load.Select(x => new { x.Rep, x.Sample }),
                Router = a.Results.Router.Select(x => new { x.Rep, x.Sample }),
                Cpu = a.Results.Cpu.Select(x => new { x.Rep, x.Sample }),
                StepCpu = a.Results.StepCpu.Select(x => new { x.Rep, x.Sample }),
                Rss = a.Results.Rss.Select(x => new { x.Rep, x.Sample }),
                OpenLoop = a.Results.OpenLoop.Select(x => new { x.Rep, x.Sample }),
                DirectFanOut = a.Results.DirectFanOut.Select(x => new { x.Rep, x.Sample }),
                BareClient = a.Results.BareClient.Select(x => new { x.Rep, x.Sample }),
            },
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        });
    }

    private static string Unstable(ServedFigures f, int reps) => f.Unstable > 0 ? $"  (not stable in {f.Unstable}/{reps} reps)" : "";

    private static string Fmt(Figure f, string format)
        => f.HasValue ? $"{f.Median.ToString(format, Inv)} [{f.Min.ToString(format, Inv)}-{f.Max.ToString(format, Inv)}]" : "n/a";

    private static string F(double v, string format) => double.IsNaN(v) || double.IsInfinity(v) ? "n/a" : v.ToString(format, Inv);

    private static string N0(double v) => F(v, "N0");

    private static string Us(double v) => double.IsNaN(v) ? "n/a" : $"{v.ToString("0", Inv)} us";
}

/// <summary>Where and when the run happened.</summary>
internal sealed record RunInfo(string Stamp, int Cpus, string CpuModel, string LoadBefore, string LoadAfter, string GitCommit, string DotnetVersion, string OrtVersion,
    string WorkerSettings, double ElapsedSeconds, string OutputDirectory);
