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
    ServerBreakdown? Server);

/// <summary>ModelStatistics of the target over the step, as LoadGen reports it (time per request).</summary>
internal sealed record ServerBreakdown(double QueueUs, double ComputeUs, double InferUs, double MeanBatch, ulong Requests);

/// <summary>Runs LoadGen (src/LoadGen) as a process for a closed-loop concurrency sweep and reads its JSON report.</summary>
internal sealed class LoadGenRunner(string loadGenDll, BenchOptions options, string dataset)
{
    public async Task<IReadOnlyList<ServedSample>> RunAsync(Uri target, string model, IReadOnlyList<int> levels, string outputPrefix,
        string? strategy, CancellationToken cancellationToken, double? warmupSeconds = null, int? maxWindows = null, bool discardFirstStep = false)
    {
        // A fresh LoadGen process (cold JIT) and a server that sat idle during the previous part make the first step
        // of every run slower: with discardFirstStep the first level is run twice and its first run is dropped.
        if (discardFirstStep)
        {
            levels = [levels[0], .. levels];
        }

        var warmup = warmupSeconds ?? options.WarmupSeconds;
        var windows = maxWindows ?? options.MaxWindows;
        var arguments = new List<string>
        {
            loadGenDll,
            "--target", target.ToString().TrimEnd('/'),
            "--model", model,
            "--concurrency", string.Join(',', levels),
            "--input", "dataset",
            "--dataset", dataset,
            "--warmup", Ms(warmup),
            "--measurement-window", Ms(options.WindowSeconds),
            "--max-windows", windows.ToString(CultureInfo.InvariantCulture),
            "--connections", options.Connections.ToString(CultureInfo.InvariantCulture),
            "--deadline", "10s",
            "--no-live",
            "--output", outputPrefix,
        };
        if (strategy is not null)
        {
            arguments.AddRange(["--strategy", strategy]);
        }

        // Each step: warm-up + at most maxWindows windows (+ the statistics reads); generous slack for a busy machine.
        var limit = TimeSpan.FromSeconds(levels.Count * (warmup + windows * options.WindowSeconds + 3) + 60);
        await using var process = ChildProcess.Start("loadgen", "dotnet", arguments, options.PidFile,
            new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "dumb", ["COLUMNS"] = "160" }, captureStdout: true);
        var exit = await process.WaitForExitAsync(limit, cancellationToken);
        var json = outputPrefix + ".json";
        if (exit != 0 || !File.Exists(json))
        {
            throw new InvalidOperationException($"LoadGen exited with {exit} against {target} ({model}); last output:\n{process.Tail}");
        }

        File.WriteAllText(outputPrefix + ".console.txt", process.Stdout);
        var steps = Parse(File.ReadAllText(json));
        return discardFirstStep ? [.. steps.Skip(1)] : steps;
    }

    public static IReadOnlyList<ServedSample> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<ServedSample>();
        foreach (var step in document.RootElement.GetProperty("steps").EnumerateArray())
        {
            if (!step.TryGetProperty("concurrency", out var c) || c.ValueKind != JsonValueKind.Number)
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
                    strategies[name] = g.TryGetProperty("requests", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt64() : 0;
                }
            }

            ServerBreakdown? server = null;
            if (step.TryGetProperty("server", out var srv) && srv.ValueKind == JsonValueKind.Array && srv.GetArrayLength() > 0)
            {
                var first = srv[0];
                server = new ServerBreakdown(
                    D(first, "queue_us_per_request"), D(first, "compute_us_per_request"), D(first, "infer_us_per_request"),
                    D(first, "mean_batch"), first.TryGetProperty("requests", out var rq) ? rq.GetUInt64() : 0);
            }

            result.Add(new ServedSample(
                c.GetInt32(),
                D(step, "throughput"),
                D(latency, "p50_ms"),
                D(latency, "p99_ms"),
                step.GetProperty("requests").GetInt64(),
                step.GetProperty("succeeded").GetInt64(),
                errors,
                step.TryGetProperty("stable", out var st) && st.ValueKind == JsonValueKind.True,
                step.TryGetProperty("accuracy", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null,
                strategies,
                server));
        }

        return result;
    }

    private static double D(JsonElement element, string name)
        => element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    private static string Ms(double seconds) => $"{Math.Max(1, (int)Math.Round(seconds * 1000))}ms";
}
