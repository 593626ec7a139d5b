using System.Globalization;
using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Measurement;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// The report as console tables: one row per step, breakdowns per arm and strategy, the server side per statistics
/// source, search and fault results.
/// </summary>
public static class ConsoleReportWriter
{
    public static void Write(IAnsiConsole console, ProfileReport report)
    {
        var run = report.Run;
        console.Write(new Rule($"[bold]{Markup.Escape(run.Model)}[/] at {Markup.Escape(run.Target)} · {Markup.Escape(run.Mode)}").LeftJustified());
        if (report.Steps.Count > 0)
        {
            console.Write(StepTable(report.Steps, "Client latency from the intended send time; percentiles within ±" + (run.PercentileRelativeError * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%"));
        }

        foreach (var step in report.Steps.Where(s => s.ByArm.Count > 0 || s.ByStrategy.Count > 0))
        {
            console.Write(GroupTable(step));
        }

        if (report.Steps.Any(s => s.Server.Any(Active)))
        {
            console.Write(ServerTable(report.Steps));
        }

        if (report.Search is { } search)
        {
            var best = search.BestRate is { } rate
                ? $"[green]{rate.ToString("0.##", CultureInfo.InvariantCulture)} requests/s[/]"
                : "[red]none: even the lowest rate missed the limit[/]";
            console.MarkupLine($"Highest rate with p99 ≤ {search.P99LimitMs.ToString("0.###", CultureInfo.InvariantCulture)} ms: {best} ({search.Probes.Count} probes)");
        }

        if (report.Fault is { } fault)
        {
            WriteFault(console, fault);
        }

        if (run.Aborted)
        {
            console.MarkupLine("[yellow]Stopped early (Ctrl-C): the report holds what was measured until then.[/]");
        }
    }

    private static Table StepTable(IEnumerable<StepSummary> steps, string caption)
    {
        var table = new Table().Border(TableBorder.Rounded).Caption(caption);
        foreach (var column in new[] { "step", "req/s", "inf/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms", "ok %", "errors", "late", "accuracy", "fallback", "server queue/compute µs", "stable" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var s in steps)
        {
            var server = s.Server.Where(x => x.Requests > 0).ToList();
            var serverText = server.Count == 0 ? "-" : string.Join(" ", server.Select(x => $"{F(x.QueueUsPerRequest, "0")}/{F(x.ComputeUsPerRequest, "0")}"));
            table.AddRow(
                Markup.Escape(s.Label),
                F(s.Throughput, "0.0"),
                F(s.InferencesPerSecond, "0.0"),
                F(s.Latency.P50Ms),
                F(s.Latency.P90Ms),
                F(s.Latency.P95Ms),
                F(s.Latency.P99Ms),
                F(s.Latency.P999Ms),
                F(s.Latency.MaxMs),
                F(s.SuccessRate * 100, "0.0#"),
                s.Errors.Count == 0 ? "-" : Markup.Escape(string.Join(" ", s.Errors.Select(e => $"{e.Key}:{e.Value}"))),
                s.LateSends == 0 ? "0" : $"{s.LateSends} ({F(s.LateShare * 100, "0.#")}%)",
                s.Accuracy is { } a ? F(a * 100, "0.00") + "%" : "-",
                F(s.FallbackRate * 100, "0.##") + "%",
                serverText,
                s.Stable ? "[green]yes[/]" : $"[yellow]no ({s.Windows}w)[/]");
        }

        return table;
    }

    /// <summary>A server and model that served or failed requests during the step.</summary>
    internal static bool Active(ServerSideSummary server) => server.Requests > 0 || server.Failures > 0;

    private static Table ServerTable(IEnumerable<StepSummary> steps)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title("Server side: ModelStatistics over each step's measured windows, µs per successful request")
            .Caption("server = arrival to response in the server; queue + input + infer + output ≤ server");
        foreach (var column in new[] { "step", "source", "model", "requests", "failed", "batch", "queue", "input", "infer", "output", "server" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var step in steps)
        {
            foreach (var x in step.Server.Where(Active))
            {
                table.AddRow(
                    Markup.Escape(step.Label),
                    Markup.Escape(x.Source),
                    Markup.Escape(x.Model),
                    x.Requests.ToString(CultureInfo.InvariantCulture),
                    x.Failures.ToString(CultureInfo.InvariantCulture),
                    F(x.MeanBatch, "0.##"),
                    F(x.QueueUsPerRequest, "0.0"),
                    F(x.InputUsPerRequest, "0.0"),
                    F(x.InferUsPerRequest, "0.0"),
                    F(x.OutputUsPerRequest, "0.0"),
                    F(x.ServerUsPerRequest, "0.0"));
            }
        }

        return table;
    }

    private static Table GroupTable(StepSummary step)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(step.Label)}: breakdown");
        foreach (var column in new[] { "by", "name", "requests", "share", "p50 ms", "p99 ms", "accuracy", "fallback" })
        {
            table.AddColumn(column);
        }

        foreach (var (kind, groups) in new[] { ("arm", step.ByArm), ("strategy", step.ByStrategy) })
        {
            foreach (var g in groups)
            {
                table.AddRow(kind, Markup.Escape(g.Name), g.Requests.ToString(CultureInfo.InvariantCulture), F(g.Share * 100, "0.#") + "%", F(g.P50Ms), F(g.P99Ms), g.Accuracy is { } a ? F(a * 100, "0.00") + "%" : "-", F(g.FallbackRate * 100, "0.##") + "%");
            }
        }

        return table;
    }

    private static void WriteFault(IAnsiConsole console, FaultReport fault)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Fault: {Markup.Escape(fault.Fault)} ({F(fault.BeganAtSeconds, "0.0")} s → {F(fault.EndedAtSeconds, "0.0")} s)");
        foreach (var column in new[] { "phase", "requests", "success", "fallback", "p50 ms", "p99 ms", "max ms", "errors" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var s in new[] { fault.Before, fault.During, fault.After, fault.Outside })
        {
            table.AddRow(
                Markup.Escape(s.Label),
                s.Requests.ToString(CultureInfo.InvariantCulture),
                F(s.SuccessRate * 100, "0.0#") + "%",
                F(s.FallbackRate * 100, "0.0#") + "%",
                F(s.Latency.P50Ms),
                F(s.Latency.P99Ms),
                F(s.Latency.MaxMs),
                s.Errors.Count == 0 ? "-" : Markup.Escape(string.Join(" ", s.Errors.Select(e => $"{e.Key}:{e.Value}"))));
        }

        console.Write(table);
        if (fault.Error is not null)
        {
            console.MarkupLine($"[red]fault injection problem:[/] {Markup.Escape(fault.Error)}");
        }
    }

    private static string F(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);
}
