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

        s.AppendLine();
        s.AppendLine("Ratios (ratio of the medians; [min-max] of the same ratio within each repetition):");
        foreach (var ratio in a.Ratios)
        {
            var diff = ratio.DifferenceMs is { } d ? $"  ({(d >= 0 ? "+" : "")}{d.ToString("0.000", Inv)} ms)" : "";
            s.AppendLine($"   {ratio.Name,-50} {F(ratio.Value, "0.000"),7}  [{F(ratio.RepMin, "0.000")}-{F(ratio.RepMax, "0.000")}]{diff}");
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
                o.WindowSeconds, o.MaxWindows, o.Connections, o.H2loadSeconds, o.H2loadConns, o.H2loadStreams,
            },
            Definitions = new Dictionary<string, string>
            {
                ["figure"] = "median over the repetitions, with min and max",
                ["ort"] = $"one InferenceSession per model (intra-op 1, inter-op 1, no spinning), {o.OrtThreads} threads calling Run (RunWithBinding, OrtValues bound once) concurrently on real test digits; images/s = rows / elapsed; p50 per Run call",
                ["ensemble_limit"] = "1 / sum over members of 1/images_per_s (every image runs through every member on the same cores; = member limit / 3 for three equal members)",
                ["worker"] = "LoadGen closed loop, batch-1 requests of real digits, requests/s, client latency; server = ModelStatistics delta per request",
                ["h2load"] = "h2load POSTing one framed ModelInferRequest (one real digit, raw_input_contents) with content-type application/grpc and te: trailers",
                ["router"] = "LoadGen against the router's virtual model with ensemble_strategy=bagging, one worker per member; shadow sampling removed from the bench routing file",
                ["cpu"] = "process CPU time (user + system, all threads) per image in-process, or of the serving processes per request over a whole part (LoadGen's warm-up steps included); requests counted by the first member's ModelStatistics",
                ["ratio_range"] = "min and max of the same ratio computed within each repetition (paired samples)",
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
            a.Ratios,
            a.Results.Checks,
            a.Results.Notes,
            Samples = new
            {
                Ort = a.Results.Ort.Select(x => new { x.Rep, x.Sample }),
                Worker = a.Results.Worker.Select(x => new { x.Rep, x.Sample }),
                H2load = a.Results.H2load.Select(x => new { x.Rep, x.Sample }),
                Router = a.Results.Router.Select(x => new { x.Rep, x.Sample }),
                Cpu = a.Results.Cpu.Select(x => new { x.Rep, x.Sample }),
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
