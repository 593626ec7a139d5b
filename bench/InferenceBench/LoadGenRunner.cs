using System.Globalization;
using System.Text.Json;

namespace InferenceBench;

/// <summary>One concurrency step of a LoadGen report (its JSON, snake_case), the figures the benchmark uses.</summary>
internal sealed record ServedSample(
    int Concurrency,
    double Throughput,
    double P50Ms,
    double P99Ms,
    long Requests,
    long Succeeded,
    IReadOnlyDictionary<string, long> Errors,
    bool Stable,
    double? Accuracy,
    IReadOnlyDictionary<string, long> Strategies,
    ServerBreakdown? Server,
    double? Rate = null,
    long LateSends = 0,
    bool Incomplete = false,
    long Sent = 0)
{
    /// <summary>Open loop: requests sent in the measured windows that got no answer in them (0 when all did; window edges make it a few either way).</summary>
    public long Unanswered => Math.Max(0, Sent - Requests);
}

/// <summary>ModelStatistics of the target over the step, as LoadGen reports it (time per request).</summary>
internal sealed record ServerBreakdown(double QueueUs, double ComputeUs, double InferUs, double MeanBatch, ulong Requests);

/// <summary>Runs LoadGen (src/LoadGen) as a process (a closed-loop concurrency sweep or one open-loop rate) and reads its JSON report.</summary>
internal sealed class LoadGenRunner(string loadGenDll, BenchOptions options, string dataset)
{
    /// <summary>A closed-loop sweep; <paramref name="onLine"/> sees LoadGen's console lines as they come (step boundaries).</summary>
    public async Task<IReadOnlyList<ServedSample>> RunAsync(Uri target, string model, IReadOnlyList<int> levels, string outputPrefix,
        string? strategy, CancellationToken cancellationToken, double? warmupSeconds = null, int? maxWindows = null, bool discardFirstStep = false,
        Action<string>? onLine = null, double? windowSeconds = null)
    {
        // A fresh LoadGen process (cold JIT) and a server that sat idle during the previous part make the first step
        // of every run slower: with discardFirstStep the first level is run twice and its first run is dropped.
        if (discardFirstStep)
        {
            levels = [levels[0], .. levels];
        }

        var warmup = warmupSeconds ?? options.WarmupSeconds;
        var windows = maxWindows ?? options.MaxWindows;
        var steps = await RunLoadGenAsync(target, model, ["--concurrency", string.Join(',', levels)], levels.Count, outputPrefix, strategy,
            warmup, windowSeconds ?? options.WindowSeconds, windows, onLine, acceptExit: [], cancellationToken);
        return discardFirstStep ? [.. steps.Skip(1)] : steps;
    }

    /// <summary>
    /// One open-loop step: requests leave on a seeded Poisson schedule at <paramref name="rate"/>/s whatever the server does,
    /// and latency counts from each request's intended send time (no coordinated omission).
    /// </summary>
    public async Task<ServedSample> RunOpenAsync(Uri target, string model, double rate, int seed, string outputPrefix, string? strategy,
        CancellationToken cancellationToken, Action<string>? onLine = null)
    {
        // LoadGen exits 1 when nothing succeeded and 3 when a step is incomplete (e.g. it could not send at the rate):
        // both are results here (the report says why), not a broken run.
        var steps = await RunLoadGenAsync(target, model,
            ["--rate", rate.ToString("0.#", CultureInfo.InvariantCulture), "--arrivals", OpenLoopArrivals, "--seed", seed.ToString(CultureInfo.InvariantCulture)],
            1, outputPrefix, strategy, options.WarmupSeconds, options.OpenWindowSeconds, options.MaxWindows, onLine, acceptExit: [1, 3], cancellationToken);
        return steps.Count != 1 ? throw new InvalidOperationException($"LoadGen reported {steps.Count} steps for one rate ({outputPrefix}.json)")
            : steps[0].Succeeded == 0 ? steps[0] with { P50Ms = double.NaN, P99Ms = double.NaN } // no latency without an answer
            : steps[0];
    }

    /// <summary>LoadGen's --arrivals for the open loop: exponential gaps between sends.</summary>
    public const string OpenLoopArrivals = "poisson";

    private async Task<IReadOnlyList<ServedSample>> RunLoadGenAsync(Uri target, string model, IEnumerable<string> load, int stepCount, string outputPrefix,
        string? strategy, double warmup, double window, int windows, Action<string>? onLine, int[] acceptExit, CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            loadGenDll,
            "--target", target.ToString().TrimEnd('/'),
            "--model", model,
            "--input", "dataset",
            "--dataset", dataset,
            "--warmup", Ms(warmup),
            "--measurement-window", Ms(window),
            "--max-windows", windows.ToString(CultureInfo.InvariantCulture),
            "--connections", options.Connections.ToString(CultureInfo.InvariantCulture),
            "--deadline", "10s",
            "--no-live",
            "--output", outputPrefix,
        };
        arguments.AddRange(load);
        if (strategy is not null)
        {
            arguments.AddRange(["--strategy", strategy]);
        }

        // Each step: warm-up + at most maxWindows windows (+ the statistics reads); generous slack for a busy machine.
        var limit = TimeSpan.FromSeconds(stepCount * (warmup + windows * window + 3) + 60);
        await using var process = ChildProcess.Start("loadgen", "dotnet", arguments, options.PidFile,
            new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "dumb", ["COLUMNS"] = "160" }, captureStdout: true, onStdoutLine: onLine);
        var exit = await process.WaitForExitAsync(limit, cancellationToken);
        var json = outputPrefix + ".json";
        if ((exit != 0 && !acceptExit.Contains(exit)) || !File.Exists(json))
        {
            throw new InvalidOperationException($"LoadGen exited with {exit} against {target} ({model}); last output:\n{process.Tail}");
        }

        File.WriteAllText(outputPrefix + ".console.txt", process.Stdout);
        return Parse(File.ReadAllText(json));
    }

    public static IReadOnlyList<ServedSample> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<ServedSample>();
        foreach (var step in document.RootElement.GetProperty("steps").EnumerateArray())
        {
            var closed = step.TryGetProperty("concurrency", out var c) && c.ValueKind == JsonValueKind.Number;
            double? rate = step.TryGetProperty("rate", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : null;
            if (!closed && rate is null)
            {
                continue;
            }

            var latency = step.GetProperty("latency");
            var errors = new Dictionary<string, long>();
            if (step.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    errors[p.Name] = p.Value.GetInt64();
                }
            }

            var strategies = new Dictionary<string, long>();
            if (step.TryGetProperty("by_strategy", out var s) && s.ValueKind == JsonValueKind.Array)
            {
                foreach (var g in s.EnumerateArray())
                {
                    var name = g.TryGetProperty("name", out var n) ? n.GetString() ?? "?" : g.TryGetProperty("key", out var k) ? k.GetString() ?? "?" : "?";
                    strategies[name] = g.TryGetProperty("requests", out var rq) && rq.ValueKind == JsonValueKind.Number ? rq.GetInt64() : 0;
                }
            }

            ServerBreakdown? server = null;
            if (step.TryGetProperty("server", out var srv) && srv.ValueKind == JsonValueKind.Array && srv.GetArrayLength() > 0)
            {
                var first = srv[0];
                server = new ServerBreakdown(
                    D(first, "queue_us_per_request"), D(first, "compute_us_per_request"), D(first, "infer_us_per_request"),
                    D(first, "mean_batch"), first.TryGetProperty("requests", out var sr) ? sr.GetUInt64() : 0);
            }

            result.Add(new ServedSample(
                closed ? c.GetInt32() : 0,
                D(step, "throughput"),
                D(latency, "p50_ms"),
                D(latency, "p99_ms"),
                step.GetProperty("requests").GetInt64(),
                step.GetProperty("succeeded").GetInt64(),
                errors,
                step.TryGetProperty("stable", out var st) && st.ValueKind == JsonValueKind.True,
                step.TryGetProperty("accuracy", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null,
                strategies,
                server,
                rate,
                step.TryGetProperty("late_sends", out var late) && late.ValueKind == JsonValueKind.Number ? late.GetInt64() : 0,
                step.TryGetProperty("incomplete", out var inc) && inc.ValueKind == JsonValueKind.True,
                step.TryGetProperty("sent", out var sent) && sent.ValueKind == JsonValueKind.Number ? sent.GetInt64() : 0));
        }

        return result;
    }

    private static double D(JsonElement element, string name)
        => element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    private static string Ms(double seconds) => $"{Math.Max(1, (int)Math.Round(seconds * 1000))}ms";
}
