namespace InferenceBench;

/// <summary>One ratio: the ratio of the medians, and the range of the same ratio within each repetition (paired).</summary>
internal sealed record Ratio(string Name, string Definition, double Value, double RepMin, double RepMax, double? DifferenceMs = null);

/// <summary>Medians over the repetitions, the best batch and concurrency, and the ratios the benchmark reports.</summary>
internal sealed partial class Analysis
{
    public Analysis(BenchOptions options, RunResults results)
    {
        Options = options;
        Results = results;
        FirstModel = options.Models[0];
        foreach (var model in options.Models)
        {
            foreach (var batch in OrtBatchesMeasured)
            {
                OrtImages[(model, batch)] = Figure.Of(results.Ort.Where(x => x.Sample.Model == model && x.Sample.Batch == batch).Select(x => x.Sample.ImagesPerSecond));
                OrtCpu[(model, batch)] = Figure.Of(results.Ort.Where(x => x.Sample.Model == model && x.Sample.Batch == batch).Select(x => x.Sample.CpuUsPerImage));
                OrtP50[(model, batch)] = Figure.Of(results.Ort.Where(x => x.Sample.Model == model && x.Sample.Batch == batch).Select(x => x.Sample.P50Us));
            }

            var best = options.OrtBatches.Where(b => OrtImages[(model, b)].HasValue).OrderByDescending(b => OrtImages[(model, b)].Median).FirstOrDefault();
            BestBatch[model] = best;
        }

        foreach (var level in options.WorkerLevels)
        {
            Worker[level] = Served(results.Worker, level);
        }

        foreach (var level in options.RouterLevels)
        {
            Router[level] = Served(results.Router, level);
        }

        foreach (var conns in options.H2loadConns)
        {
            H2load[conns] = Figure.Of(results.H2load.Where(x => x.Sample.Connections == conns).Select(x => x.Sample.RequestsPerSecond));
        }

        foreach (var part in results.Cpu.Select(x => x.Sample.Part).Distinct())
        {
            Cpu[part] = Figure.Of(results.Cpu.Where(x => x.Sample.Part == part).Select(x => x.Sample.CpuUsPerRequest));
        }

        foreach (var group in results.StepCpu.GroupBy(x => (x.Sample.Part, x.Sample.Concurrency)))
        {
            StepCpu[group.Key] = Figure.Of(group.Select(x => x.Sample.CpuUsPerRequest));
        }

        foreach (var group in results.Rss.GroupBy(x => (x.Sample.Process, x.Sample.Phase)))
        {
            Rss[group.Key] = (Figure.Of(group.Where(x => x.Sample.MaxRssKb >= 0).Select(x => x.Sample.MaxRssKb / 1000.0)),
                Figure.Of(group.Where(x => x.Sample.HwmKb >= 0).Select(x => x.Sample.HwmKb / 1000.0)));
        }

        foreach (var group in results.OpenLoop.GroupBy(x => x.Sample.Setting))
        {
            var samples = group.Select(x => x.Sample).ToArray();
            OpenLoop[group.Key] = new OpenLoopFigures(
                samples[0].Kind,
                samples[0].Percent,
                Figure.Of(samples.Select(x => x.Rate)),
                Figure.Of(samples.Select(x => x.Served.Throughput)),
                Figure.Of(samples.Select(x => x.Served.P50Ms)),
                Figure.Of(samples.Select(x => x.Served.P99Ms)),
                samples.Sum(x => x.Served.Requests - x.Served.Succeeded),
                samples.Sum(x => x.Served.LateSends),
                samples.Sum(x => x.Served.Unanswered),
                samples.Count(x => x.Served.Incomplete),
                samples.Where(x => x.Shadow is not null).SelectMany(x => x.Shadow!).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Aggregate(0UL, (sum, kv) => sum + kv.Value)));
        }

        BestRouterLevel = Router.Where(r => r.Value.Throughput.HasValue).OrderByDescending(r => r.Value.Throughput.Median).Select(r => (int?)r.Key).FirstOrDefault();
        Ratios = ComputeRatios();
        Goals = ComputeGoals();
    }

    public BenchOptions Options { get; }

    public RunResults Results { get; }

    public string FirstModel { get; }

    public IEnumerable<int> OrtBatchesMeasured => Options.OrtBatches.Prepend(1).Distinct();

    public Dictionary<(string Model, int Batch), Figure> OrtImages { get; } = [];

    public Dictionary<(string Model, int Batch), Figure> OrtP50 { get; } = [];

    /// <summary>In-process CPU µs per image.</summary>
    public Dictionary<(string Model, int Batch), Figure> OrtCpu { get; } = [];

    /// <summary>Served CPU µs per request by part (worker-loadgen, worker-h2load, router-path, router-only).</summary>
    public Dictionary<string, Figure> Cpu { get; } = [];

    /// <summary>Per model, the swept batch with the highest median images/s (0 when none was measured).</summary>
    public Dictionary<string, int> BestBatch { get; } = [];

    public Dictionary<int, ServedFigures> Worker { get; } = [];

    public Dictionary<int, ServedFigures> Router { get; } = [];

    /// <summary>The router over its first member alone at concurrency 1; null when not measured.</summary>
    public ServedFigures? RouterOne => Results.RouterOne.Count == 0 ? null : Served(Results.RouterOne, 1);

    public Dictionary<int, Figure> H2load { get; } = [];

    public int? BestRouterLevel { get; }

    public IReadOnlyList<Ratio> Ratios { get; }

    /// <summary>CPU µs per request of one LoadGen step, by part (worker, router-only, router-path) and concurrency.</summary>
    public Dictionary<(string Part, int Concurrency), Figure> StepCpu { get; } = [];

    /// <summary>Max VmRSS and VmHWM in MB (10^6 bytes) by process and phase.</summary>
    public Dictionary<(string Process, string Phase), (Figure MaxRssMb, Figure HwmMb)> Rss { get; } = [];

    /// <summary>Open-loop figures by shadow setting name.</summary>
    public Dictionary<string, OpenLoopFigures> OpenLoop { get; } = [];

    /// <summary>The issue's goals, each next to its target.</summary>
    public IReadOnlyList<Goal> Goals { get; }

    /// <summary>The phase name of the router's peak step in <see cref="Rss"/>.</summary>
    public string? PeakPhase => Results.Rss.Select(x => x.Sample.Phase).FirstOrDefault(p => p.EndsWith("(peak)", StringComparison.Ordinal));

    /// <summary>
    /// The in-process limit of an ensemble of the members on the same cores: every image runs through every member,
    /// so the time per image is the sum of the members' times, limit = 1 / Σ(1/Tᵢ) (= member limit / 3 for three
    /// equal members). <paramref name="bestBatch"/> uses each member's best batch.
    /// </summary>
    public double EnsembleLimit(bool bestBatch, int? rep = null)
    {
        double sum = 0;
        foreach (var model in Options.Models)
        {
            var batch = bestBatch ? BestBatch[model] : 1;
            var t = rep is null ? OrtImages[(model, batch)].Median : RepOrt(rep.Value, model, batch);
            sum += 1 / t;
        }

        return 1 / sum;
    }

    private double RepOrtCpu(int rep, string model, int batch)
        => Results.Ort.Where(x => x.Rep == rep && x.Sample.Model == model && x.Sample.Batch == batch).Select(x => x.Sample.CpuUsPerImage).DefaultIfEmpty(double.NaN).First();

    private double RepCpu(int rep, string part)
        => Results.Cpu.Where(x => x.Rep == rep && x.Sample.Part == part).Select(x => x.Sample.CpuUsPerRequest).DefaultIfEmpty(double.NaN).First();

    private double RepOrt(int rep, string model, int batch)
        => Results.Ort.Where(x => x.Rep == rep && x.Sample.Model == model && x.Sample.Batch == batch).Select(x => x.Sample.ImagesPerSecond).DefaultIfEmpty(double.NaN).First();

    private double RepServed(List<(int Rep, ServedSample Sample)> samples, int rep, int level, Func<ServedSample, double> pick)
        => samples.Where(x => x.Rep == rep && x.Sample.Concurrency == level).Select(x => pick(x.Sample)).DefaultIfEmpty(double.NaN).First();

    /// <summary>LoadGen's highest requests/s against the worker in a repetition, over its concurrency levels.</summary>
    private double RepLoadGenPeak(int rep)
        => Options.WorkerLevels.Select(l => RepServed(Results.Worker, rep, l, s => s.Throughput)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max();

    /// <summary>h2load's highest requests/s against the worker in a repetition, over its connection counts.</summary>
    private double RepH2loadPeak(int rep)
        => Results.H2load.Where(x => x.Rep == rep).Select(x => x.Sample.RequestsPerSecond).DefaultIfEmpty(double.NaN).Max();

    private static ServedFigures Served(List<(int Rep, ServedSample Sample)> samples, int level)
    {
        var at = samples.Where(x => x.Sample.Concurrency == level).Select(x => x.Sample).ToArray();
        return new ServedFigures(
            Figure.Of(at.Select(s => s.Throughput)),
            Figure.Of(at.Select(s => s.P50Ms)),
            Figure.Of(at.Select(s => s.P99Ms)),
            Figure.Of(at.Where(s => s.Server is not null).Select(s => s.Server!.QueueUs)),
            Figure.Of(at.Where(s => s.Server is not null).Select(s => s.Server!.ComputeUs)),
            Figure.Of(at.Where(s => s.Server is not null).Select(s => s.Server!.MeanBatch)),
            at.Sum(s => s.Requests - s.Succeeded),
            at.Where(s => s.Accuracy is not null).Select(s => s.Accuracy!.Value).DefaultIfEmpty(double.NaN).Average(),
            at.SelectMany(s => s.Strategies).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)),
            at.SelectMany(s => s.Errors).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)),
            at.Count(s => !s.Stable));
    }

    /// <summary>
    /// The router's overhead over one worker at c=1 in two parts: its own hop (the router over the first member alone
    /// against that worker directly) and the fan-out (all members against the first alone).
    /// </summary>
    private IEnumerable<Ratio> OverheadParts()
    {
        if (RouterOne is not { } one || !Router.TryGetValue(1, out var all) || !Worker.TryGetValue(1, out var direct))
        {
            yield break;
        }

        foreach (var (percentile, pick, median) in new (string, Func<ServedSample, double>, Func<ServedFigures, double>)[]
            { ("p50", s => s.P50Ms, f => f.P50.Median), ("p99", s => s.P99Ms, f => f.P99.Median) })
        {
            yield return Paired($"router (1 member)/worker {percentile} at c=1",
                $"{percentile} latency through the router over its first member alone (the router's own hop, no fan-out) / {percentile} of that worker directly, both at concurrency 1",
                median(one), median(direct),
                r => RepServed(Results.RouterOne, r, 1, pick) / RepServed(Results.Worker, r, 1, pick),
                median(one) - median(direct));
            yield return Paired($"router ({Options.Models.Length} members)/router (1 member) {percentile} at c=1",
                $"{percentile} latency through the router over every member / over the first member alone, both at concurrency 1: the fan-out's part of the overhead",
                median(all), median(one),
                r => RepServed(Results.Router, r, 1, pick) / RepServed(Results.RouterOne, r, 1, pick),
                median(all) - median(one));
        }

        foreach (var ratio in DirectFanOutParts(all))
        {
            yield return ratio;
        }
    }

    /// <summary>
    /// The fan-out's floor without a router (<see cref="DirectFanOut"/>), and the router over every member against it.
    /// Both differences are within one client's own samples, or paired by repetition.
    /// </summary>
    private IEnumerable<Ratio> DirectFanOutParts(ServedFigures routed)
    {
        if (Results.DirectFanOut.Count == 0)
        {
            yield break;
        }

        var samples = Results.DirectFanOut.Select(x => x.Sample).ToArray();
        double Rep(int rep, Func<DirectFanOutSample, double> pick)
            => Results.DirectFanOut.Where(x => x.Rep == rep).Select(x => pick(x.Sample)).DefaultIfEmpty(double.NaN).First();
        foreach (var (percentile, one, all, served) in new (string, Func<DirectFanOutSample, double>, Func<DirectFanOutSample, double>, Func<ServedSample, double>)[]
            { ("p50", s => s.OneP50Ms, s => s.AllP50Ms, s => s.P50Ms), ("p99", s => s.OneP99Ms, s => s.AllP99Ms, s => s.P99Ms) })
        {
            var oneMedian = Figure.Of(samples.Select(one)).Median;
            var allMedian = Figure.Of(samples.Select(all)).Median;
            yield return Paired($"direct: {Options.Models.Length} workers at once/first alone {percentile} at c=1",
                $"{percentile} latency of one client (channels built as the router's) calling every member's worker at once / calling the first alone, alternating blocks, concurrency 1, no router: the fan-out's floor on this machine",
                allMedian, oneMedian, r => Rep(r, all) / Rep(r, one), allMedian - oneMedian);
            var routedMedian = percentile == "p50" ? routed.P50.Median : routed.P99.Median;
            yield return Paired($"router ({Options.Models.Length} members)/direct {Options.Models.Length} at once {percentile} at c=1",
                $"{percentile} latency through the router over every member (LoadGen) / {percentile} of the same workers called at once directly (the line above), same repetition: what the router adds over the fan-out itself",
                routedMedian, allMedian, r => RepServed(Results.Router, r, 1, served) / Rep(r, all), routedMedian - allMedian);
        }
    }

    /// <summary>
    /// Grpc.Net.Client alone (<see cref="BareClientPeak"/>) against h2load and against LoadGen, same worker: how much of
    /// LoadGen's gap to h2load is the gRPC client stack, and how much LoadGen's own work.
    /// </summary>
    private IEnumerable<Ratio> BareClientRatios(int loadGenLevel, double loadGenPeak, double h2loadPeak)
    {
        if (Results.BareClient.Count == 0)
        {
            yield break;
        }

        var bare = Figure.Of(Results.BareClient.Select(x => x.Sample.RequestsPerSecond));
        var cpu = Figure.Of(Results.BareClient.Select(x => x.Sample.ClientCpuUsPerCall));
        var shape = Results.BareClient[0].Sample;
        double Rep(int r) => Results.BareClient.Where(x => x.Rep == r).Select(x => x.Sample.RequestsPerSecond).DefaultIfEmpty(double.NaN).First();
        if (h2loadPeak > 0)
        {
            yield return Paired("Grpc.Net.Client alone / h2load peak",
                $"requests/s of {shape.Concurrency} loops of bare Grpc.Net.Client calls over {shape.Connections} connections (messages built once, a deadline, no bookkeeping; client CPU {F(cpu.Median, "0")} us per call) / h2load's peak, same worker, same digit",
                bare.Median, h2loadPeak, r => Rep(r) / RepH2loadPeak(r));
        }

        if (loadGenLevel > 0)
        {
            yield return Paired("LoadGen peak / Grpc.Net.Client alone",
                $"LoadGen's highest requests/s against the worker (c={loadGenLevel}) / the bare client's (the line above): what LoadGen's own work costs on top of the client stack",
                loadGenPeak, bare.Median,
                r => RepLoadGenPeak(r) / Rep(r));
        }
    }

    private Ratio Paired(string name, string definition, double numerator, double denominator, Func<int, double> perRep, double? differenceMs = null)
    {
        var reps = Enumerable.Range(1, Results.RepsDone).Select(perRep).Where(v => !double.IsNaN(v) && !double.IsInfinity(v)).ToArray();
        return new Ratio(name, definition, numerator / denominator, reps.DefaultIfEmpty(double.NaN).Min(), reps.DefaultIfEmpty(double.NaN).Max(), differenceMs);
    }

    private List<Ratio> ComputeRatios()
    {
        var ratios = new List<Ratio>();
        var m = FirstModel;
        var best = BestBatch[m];
        foreach (var level in Options.WorkerLevels)
        {
            ratios.Add(Paired($"worker c={level} / ORT {m} batch 1",
                $"served requests/s of one worker ({m}, batch-1 requests, concurrency {level}) / in-process images/s of {m} at batch 1",
                Worker[level].Throughput.Median, OrtImages[(m, 1)].Median,
                r => RepServed(Results.Worker, r, level, s => s.Throughput) / RepOrt(r, m, 1)));
            if (best > 0)
            {
                ratios.Add(Paired($"worker c={level} / ORT {m} batch {best} (best)",
                    $"served requests/s of one worker at concurrency {level} / in-process images/s of {m} at its best batch ({best})",
                    Worker[level].Throughput.Median, OrtImages[(m, best)].Median,
                    r => RepServed(Results.Worker, r, level, s => s.Throughput) / RepOrt(r, m, best)));
            }
        }

        if (BestRouterLevel is { } rl)
        {
            ratios.Add(Paired($"ensemble c={rl} / limit at batch 1",
                "router (bagging over the members, batch-1 requests, best concurrency) requests/s / ensemble limit at batch 1; " +
                "limit = 1/Σ(1/Tᵢ) of the members' in-process images/s (= member limit / 3 for equal members, same cores)",
                Router[rl].Throughput.Median, EnsembleLimit(bestBatch: false),
                r => RepServed(Results.Router, r, rl, s => s.Throughput) / EnsembleLimit(false, r)));
            if (Options.Models.All(model => BestBatch[model] > 0))
            {
                ratios.Add(Paired($"ensemble c={rl} / limit at best batch",
                    "router requests/s at its best concurrency / ensemble limit from each member's best batch",
                    Router[rl].Throughput.Median, EnsembleLimit(bestBatch: true),
                    r => RepServed(Results.Router, r, rl, s => s.Throughput) / EnsembleLimit(true, r)));
            }

            foreach (var level in BenchOptions.OverheadLevels)
            {
                if (!Router.TryGetValue(level, out var router) || !Worker.TryGetValue(level, out var worker))
                {
                    continue;
                }

                ratios.Add(Paired($"router/worker p50 at c={level}",
                    $"p50 latency through the router (3 members, bagging) / p50 of one worker directly, both at concurrency {level}",
                    router.P50.Median, worker.P50.Median,
                    r => RepServed(Results.Router, r, level, s => s.P50Ms) / RepServed(Results.Worker, r, level, s => s.P50Ms),
                    router.P50.Median - worker.P50.Median));
                ratios.Add(Paired($"router/worker p99 at c={level}",
                    $"p99 latency through the router / p99 of one worker directly, both at concurrency {level}",
                    router.P99.Median, worker.P99.Median,
                    r => RepServed(Results.Router, r, level, s => s.P99Ms) / RepServed(Results.Worker, r, level, s => s.P99Ms),
                    router.P99.Median - worker.P99.Median));
            }
        }

        ratios.AddRange(OverheadParts());
        var loadGenPeak = Worker.Where(w => w.Value.Throughput.HasValue).Select(w => (Level: w.Key, w.Value.Throughput.Median)).OrderByDescending(x => x.Median).FirstOrDefault();
        var h2loadPeak = H2load.Where(h => h.Value.HasValue).Select(h => (Conns: h.Key, h.Value.Median)).OrderByDescending(x => x.Median).FirstOrDefault();
        if (loadGenPeak.Level > 0 && h2loadPeak.Conns > 0)
        {
            ratios.Add(Paired($"LoadGen peak / h2load peak",
                $"LoadGen's highest requests/s against the worker (c={loadGenPeak.Level}) / h2load's highest (-c {h2loadPeak.Conns} -m {Options.H2loadStreams}), same worker, same request body",
                loadGenPeak.Median, h2loadPeak.Median,
                r => RepLoadGenPeak(r) / RepH2loadPeak(r)));
        }

        ratios.AddRange(BareClientRatios(loadGenPeak.Level, loadGenPeak.Median, h2loadPeak.Median));

        // CPU cost: much less sensitive than throughput to other work on the machine.
        double Members(Func<string, double> cost) => Options.Models.Sum(cost);
        if (Cpu.TryGetValue("worker-loadgen", out var workerCpu))
        {
            ratios.Add(Paired($"worker CPU/request (LoadGen) / ORT CPU/image b1",
                $"CPU time of the worker process per request over the LoadGen part (all levels) / in-process CPU time per image of {m} at batch 1",
                workerCpu.Median, OrtCpu[(m, 1)].Median, r => RepCpu(r, "worker-loadgen") / RepOrtCpu(r, m, 1)));
        }

        if (Cpu.TryGetValue("worker-h2load", out var h2loadCpu))
        {
            ratios.Add(Paired($"worker CPU/request (h2load) / ORT CPU/image b1",
                $"CPU time of the worker process per request under h2load / in-process CPU time per image of {m} at batch 1",
                h2loadCpu.Median, OrtCpu[(m, 1)].Median, r => RepCpu(r, "worker-h2load") / RepOrtCpu(r, m, 1)));
        }

        if (Cpu.TryGetValue("router-path", out var pathCpu))
        {
            ratios.Add(Paired($"ensemble CPU/request / Σ members ORT CPU/image b1",
                "CPU time of the router and every worker per ensemble request / the sum of the members' in-process CPU time per image at batch 1",
                pathCpu.Median, Members(model => OrtCpu[(model, 1)].Median), r => RepCpu(r, "router-path") / Members(model => RepOrtCpu(r, model, 1))));
        }

        if (Cpu.TryGetValue("router-only", out var routerCpu) && workerCpu is not null)
        {
            ratios.Add(Paired($"router CPU/request / worker CPU/request",
                "CPU time of the router process per ensemble request / CPU time of one worker per request (LoadGen part)",
                routerCpu.Median, workerCpu.Median, r => RepCpu(r, "router-only") / RepCpu(r, "worker-loadgen")));
        }

        return ratios;
    }
}

/// <summary>Medians of one open-loop setting over the repetitions; shadow counters summed over them.</summary>
internal sealed record OpenLoopFigures(
    string Kind,
    int Percent,
    Figure Rate,
    Figure Throughput,
    Figure P50,
    Figure P99,
    long Failed,
    long LateSends,
    long Unanswered,
    int Incomplete,
    IReadOnlyDictionary<string, ulong> Shadow);

/// <summary>Medians of one served concurrency level over the repetitions.</summary>
internal sealed record ServedFigures(
    Figure Throughput,
    Figure P50,
    Figure P99,
    Figure ServerQueueUs,
    Figure ServerComputeUs,
    Figure ServerMeanBatch,
    long Failed,
    double Accuracy,
    IReadOnlyDictionary<string, long> Strategies,
    IReadOnlyDictionary<string, long> Errors,
    int Unstable);
