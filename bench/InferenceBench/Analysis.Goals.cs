namespace InferenceBench;

/// <summary>The issue's goals from the run's samples; each value is computed within a repetition, then the median is taken.</summary>
internal sealed partial class Analysis
{
    public const double RouterCpuShareTarget = 0.5;
    public const double P50OverheadTargetUs = 150;
    public const double P99OverheadTargetUs = 1000;
    public const double ThroughputShareTarget = 0.5;
    public const double ThroughputShareStretch = 0.7;
    public const double RouterRssTargetMb = 150;
    public const double WorkerRssTargetMb = 200;
    public const double OpenLoopP99TargetMs = 5;
    public const double ShadowP99RatioTarget = 1.05;
    public const int ShadowGoalPercent = 10;

    private IEnumerable<int> Reps => Enumerable.Range(1, Results.RepsDone);

    private double RepStepCpu(int rep, string part, int level)
        => Results.StepCpu.Where(x => x.Rep == rep && x.Sample.Part == part && x.Sample.Concurrency == level).Select(x => x.Sample.CpuUsPerRequest).DefaultIfEmpty(double.NaN).First();

    private double RepOpen(int rep, string setting, Func<ServedSample, double> pick)
        => Results.OpenLoop.Where(x => x.Rep == rep && x.Sample.Setting == setting).Select(x => pick(x.Sample.Served)).DefaultIfEmpty(double.NaN).First();

    /// <summary>The open-loop step of a setting in a repetition had no failed request and was complete.</summary>
    private bool Clean(int rep, string setting)
        => Results.OpenLoop.Any(x => x.Rep == rep && x.Sample.Setting == setting && x.Sample.Served.Requests == x.Sample.Served.Succeeded && !x.Sample.Served.Incomplete);

    private List<Goal> ComputeGoals()
    {
        var goals = new List<Goal>();
        var level = BestRouterLevel;
        var cpuDetail = level is { } l && StepCpu.TryGetValue(("router-only", l), out var r) && StepCpu.TryGetValue(("worker", l), out var w)
            ? $"router {F(r.Median)} us vs worker {F(w.Median)} us per request at c={l}" : "per-step CPU not measured";
        goals.Add(Goal.Of("1", "router CPU / worker CPU per request",
            "CPU time (user+system, /proc) of the router process per ensemble request over its closed-loop step at the router's best concurrency, " +
            "divided by the CPU time of one worker per request over its own closed-loop step at the same concurrency (LoadGen, batch-1 requests, each step's warm-up included; " +
            "requests counted as the rows the first member ran, ModelStatistics inference_count)",
            $"<= {RouterCpuShareTarget}",
            Reps.Select(rep => level is { } lv ? RepStepCpu(rep, "router-only", lv) / RepStepCpu(rep, "worker", lv) : double.NaN),
            v => v <= RouterCpuShareTarget, "x", "0.00", cpuDetail));

        foreach (var (percentile, target, pick) in new (string, double, Func<ServedSample, double>)[] { ("p50", P50OverheadTargetUs, s => s.P50Ms), ("p99", P99OverheadTargetUs, s => s.P99Ms) })
        {
            goals.Add(Goal.Of($"2 {percentile}", $"router overhead {percentile} at c=1",
                $"{percentile} latency through the router (bagging over {Options.Models.Length} members) minus {percentile} of one worker called directly, both LoadGen closed loop at concurrency 1, same repetition",
                $"<= +{target:0} us",
                Reps.Select(rep => (RepServed(Results.Router, rep, 1, pick) - RepServed(Results.Worker, rep, 1, pick)) * 1000),
                v => v <= target, "us", "+0;-0"));
        }

        goals.Add(Goal.Of("3", "served ensemble / best-batch limit",
            $"router requests/s at its best concurrency (c={(level is { } b ? b : 0)}) / the in-process limit of its members at their best batches, 1/sum(1/T_i), same repetition",
            $">= {ThroughputShareTarget} (stretch {ThroughputShareStretch})",
            Reps.Select(rep => level is { } lv && Options.Models.All(m => BestBatch[m] > 0) ? RepServed(Results.Router, rep, lv, s => s.Throughput) / EnsembleLimit(true, rep) : double.NaN),
            v => v >= ThroughputShareTarget, "x", "0.000", stretch: v => v >= ThroughputShareStretch));

        var peak = PeakPhase;
        goals.Add(Goal.Of("4 router", "router RSS at peak load",
            $"max VmRSS of the router process (/proc/<pid>/status, sampled every {Options.RssIntervalMs} ms) during the router's highest-concurrency closed-loop step; MB = 10^6 bytes",
            $"<= {RouterRssTargetMb:0} MB",
            Reps.Select(rep => Results.Rss.Where(x => x.Rep == rep && x.Sample.Phase == peak && x.Sample.Process == "router" && x.Sample.MaxRssKb >= 0).Select(x => x.Sample.MaxRssKb / 1000.0).DefaultIfEmpty(double.NaN).First()),
            v => v <= RouterRssTargetMb, "MB", "0"));
        var workerNames = Results.Rss.Select(x => x.Sample.Process).Where(p => p.StartsWith("worker", StringComparison.Ordinal)).Distinct().ToArray();
        goals.Add(Goal.Of("4 workers", "largest worker RSS at peak load",
            "the largest of the workers' max VmRSS during the same step (every worker must stay under the target)",
            $"<= {WorkerRssTargetMb:0} MB each",
            Reps.Select(rep => Results.Rss.Where(x => x.Rep == rep && x.Sample.Phase == peak && workerNames.Contains(x.Sample.Process) && x.Sample.MaxRssKb >= 0).Select(x => x.Sample.MaxRssKb / 1000.0).DefaultIfEmpty(double.NaN).Max()),
            v => v <= WorkerRssTargetMb, "MB", "0",
            string.Join(", ", workerNames.Select(n => $"{n} {F((Rss.TryGetValue((n, peak ?? ""), out var rss) ? rss.MaxRssMb.Median : double.NaN), "0")}"))));

        var none = ShadowSetting.None.Name;
        var open = OpenLoop.GetValueOrDefault(none);
        // A failed request has no latency, so p99 alone could look better with failures: a repetition with one does not meet the goal.
        var openGoal = Goal.Of("5", "open-loop p99 at half the peak rate",
            $"router p99 (latency from each request's intended send time) with {LoadGenRunner.OpenLoopArrivals} arrivals (LoadGen --arrivals {LoadGenRunner.OpenLoopArrivals}, exponential gaps) " +
            $"at {Options.OpenShare:0.##} x the router's best closed-loop requests/s of the same repetition, no shadow; a repetition with a failed request or an incomplete step (LoadGen: time limit, or sends far behind) does not meet it",
            $"<= {OpenLoopP99TargetMs:0} ms, no failures",
            Reps.Select(rep => RepOpen(rep, none, s => s.P99Ms)),
            v => v <= OpenLoopP99TargetMs, "ms", "0.000",
            open is null ? "open loop not measured" : $"rate {F(open.Rate.Median, "N0")} req/s, p50 {F(open.P50.Median, "0.000")} ms, {open.Failed} failed, {open.Unanswered} unanswered, {open.LateSends} late sends, incomplete in {open.Incomplete} reps");
        var cleanReps = Reps.Count(rep => RepOpen(rep, none, s => s.P99Ms) <= OpenLoopP99TargetMs && Clean(rep, none));
        var openBroken = open is not null && (open.Failed > 0 || open.Incomplete > 0);
        goals.Add(openGoal with { Meets = openGoal.Meets is { } m ? m && !openBroken : openBroken ? false : null, RepsMeeting = cleanReps });

        foreach (var (setting, figures) in OpenLoop.Where(x => x.Value.Kind != ShadowSetting.NoneKind).OrderBy(x => x.Value.Kind).ThenBy(x => x.Value.Percent))
        {
            var isGoal = figures.Percent == ShadowGoalPercent;
            var counts = string.Join(", ", figures.Shadow.Where(kv => kv.Value > 0 || !kv.Key.Contains('.', StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value}"));
            // As for goal 5, failures of the primary (e.g. breakers the shadow's extra calls opened) never meet the goal.
            var shadowGoal = Goal.Of($"6 {figures.Kind} {figures.Percent}%", $"primary p99 ratio, {figures.Kind} {figures.Percent}%",
                $"open-loop p99 of the primary with the {setting} / without a shadow, same rate and arrival seed, same repetition ({new ShadowSetting(figures.Kind, figures.Percent).Description}); " +
                "a repetition where a primary request failed or the step was incomplete does not meet it",
                isGoal ? $"<= {ShadowP99RatioTarget:0.00}, no failures" : $"(info; goal is at {ShadowGoalPercent}%)",
                Reps.Select(rep => RepOpen(rep, setting, s => s.P99Ms) / RepOpen(rep, none, s => s.P99Ms)),
                isGoal ? v => v <= ShadowP99RatioTarget : null, "x", "0.00",
                $"primary p99 {F(figures.P99.Median, "0.000")} ms, {figures.Failed} failed, {figures.Unanswered} unanswered, incomplete in {figures.Incomplete} reps; shadow (summed over reps): {(counts.Length == 0 ? "no RouterAdmin shadow statistics" : counts)}");
            goals.Add(!isGoal ? shadowGoal : shadowGoal with
            {
                Meets = shadowGoal.Meets is { } meets ? meets && figures.Failed == 0 && figures.Incomplete == 0 : figures.Failed > 0 || figures.Incomplete > 0 ? false : null,
                RepsMeeting = Reps.Count(rep => RepOpen(rep, setting, s => s.P99Ms) / RepOpen(rep, none, s => s.P99Ms) <= ShadowP99RatioTarget && Clean(rep, setting)),
            });
        }

        if (!goals.Any(g => g.Id.StartsWith('6')))
        {
            goals.Add(Goal.Of("6", "primary p99 ratio with a shadow", "the open-loop part did not run (see the notes, or --skip-open-loop)",
                $"<= {ShadowP99RatioTarget:0.00} at {ShadowGoalPercent}%", [], null, "x", "0.00"));
        }

        return goals;
    }

    private static string F(double v, string format = "0.0") => double.IsNaN(v) || double.IsInfinity(v) ? "n/a" : v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
