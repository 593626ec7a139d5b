using System.Globalization;
using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Measurement;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// The report as console tables that fit <see cref="Width"/> columns: one row per step with the essential figures,
/// why a step has no stable window, the most frequent failures with the server's message, breakdowns per arm and
/// strategy, the server side per statistics source, search and fault results. Every other figure (p90, p95, p99.9,
/// inferences/s, service time, send delays, every failure kind, every server timing) is in the CSV and JSON.
/// </summary>
public static class ConsoleReportWriter
{
    /// <summary>No line of the report is wider than this.</summary>
    public const int Width = 100;

    /// <summary>Failure kinds shown per step; the CSV and JSON have them all.</summary>
    public const int TopFailures = 3;

    public static void Write(IAnsiConsole console, ProfileReport report)
    {
        var run = report.Run;
        Line(console, $"{run.Model} at {run.Target} · {run.Mode}");
        if (report.Steps.Count > 0)
        {
            console.Write(StepTable(report.Steps, "latency from the intended send time, percentiles ±" + F(run.PercentileRelativeError * 100, "0.#") + "%"));
            WriteReasons(console, report.Steps);
            WriteFailures(console, report.Steps);
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
            var best = search.BestRate is { } rate ? $"{F(rate, "0.##")} requests/s" : "none: even the lowest rate missed the limit";
            Line(console, $"Highest rate with p99 ≤ {F(search.P99LimitMs)} ms: {best} ({search.Probes.Count} probes)");
        }

        if (report.Fault is { } fault)
        {
            WriteFault(console, fault);
        }

        if (run.Aborted)
        {
            Line(console, "Stopped early (Ctrl-C): the report holds what was measured until then.");
        }
    }

    /// <summary>A server and model that served or failed requests during the step.</summary>
    internal static bool Active(ServerSideSummary server) => server.Requests > 0 || server.Failures > 0;

    private static Table StepTable(IEnumerable<StepSummary> steps, string caption)
    {
        var table = new Table().Border(TableBorder.Rounded).Caption(caption);
        foreach (var column in new[] { "offered load", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "late", "acc %", "stable" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var s in steps)
        {
            table.AddRow(
                Markup.Escape(TextLines.Cut(s.Label, 20)),
                F(s.Throughput, "0.#"),
                F(s.Latency.P50Ms, "0.##"),
                F(s.Latency.P99Ms, "0.##"),
                F(s.Latency.MaxMs, "0.##"),
                s.Requests == s.Succeeded ? "0" : Percent(1 - s.SuccessRate),
                s.LateSends == 0 ? "0" : Percent(s.LateShare),
                s.Accuracy is { } a ? F(a * 100, "0.0") : "-",
                s.Stable ? "[green]yes[/]" : s.Incomplete ? "[red]no[/]" : "[yellow]no[/]");
        }

        return table;
    }

    private static void WriteReasons(IAnsiConsole console, IEnumerable<StepSummary> steps)
    {
        foreach (var s in steps.Where(s => s.NoStableWindow is not null))
        {
            Line(console, $"{s.Label}: no stable window: {s.NoStableWindow}");
        }
    }

    private static void WriteFailures(IAnsiConsole console, IReadOnlyList<StepSummary> steps)
    {
        var failing = steps.Where(s => s.Failures.Count > 0).ToList();
        if (failing.Count == 0)
        {
            return;
        }

        Line(console, $"Failures by status and server message (top {TopFailures} per step; all in CSV/JSON):");
        foreach (var s in failing)
        {
            foreach (var f in s.Failures.Take(TopFailures))
            {
                var message = f.Message.Length == 0 ? "(no message)" : f.Message;
                console.WriteLine(TextLines.Cut($"  {s.Label}: {f.Status} ×{f.Count}: {message}", Width));
            }

            if (s.Failures.Count > TopFailures)
            {
                console.WriteLine($"  {s.Label}: {s.Failures.Count - TopFailures} more kinds");
            }
        }
    }

    private static Table ServerTable(IEnumerable<StepSummary> steps)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title("Server side (ModelStatistics over the measured windows), µs per successful request")
            .Caption("server = arrival to response; failures and each phase in PREFIX-server.csv");
        foreach (var column in new[] { "step", "source", "model", "requests", "batch", "queue", "compute", "server" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var step in steps)
        {
            foreach (var x in step.Server.Where(Active))
            {
                table.AddRow(
                    Markup.Escape(TextLines.Cut(step.Label, 16)),
                    Markup.Escape(TextLines.Cut(ShortSource(x.Source), 21)),
                    Markup.Escape(TextLines.Cut(x.Model, 14)),
                    x.Requests.ToString(CultureInfo.InvariantCulture),
                    F(x.MeanBatch, "0.#"),
                    F(x.QueueUsPerRequest, "0"),
                    F(x.ComputeUsPerRequest, "0"),
                    F(x.ServerUsPerRequest, "0"));
            }
        }

        return table;
    }

    private static Table GroupTable(StepSummary step)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(TextLines.Cut(step.Label, 60))}: breakdown");
        foreach (var column in new[] { "by", "name", "requests", "share", "p50 ms", "p99 ms", "accuracy", "fallback" })
        {
            table.AddColumn(column);
        }

        foreach (var (kind, groups) in new[] { ("arm", step.ByArm), ("strategy", step.ByStrategy) })
        {
            foreach (var g in groups)
            {
                table.AddRow(kind, Markup.Escape(TextLines.Cut(g.Name, 24)), g.Requests.ToString(CultureInfo.InvariantCulture), F(g.Share * 100, "0.#") + "%", F(g.P50Ms), F(g.P99Ms), g.Accuracy is { } a ? F(a * 100, "0.00") + "%" : "-", F(g.FallbackRate * 100, "0.##") + "%");
            }
        }

        return table;
    }

    private static void WriteFault(IAnsiConsole console, FaultReport fault)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Fault: {Markup.Escape(TextLines.Cut(fault.Fault, 60))} ({F(fault.BeganAtSeconds, "0.0")} s → {F(fault.EndedAtSeconds, "0.0")} s)");
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
                F(s.Latency.P50Ms, "0.##"),
                F(s.Latency.P99Ms, "0.##"),
                F(s.Latency.MaxMs, "0.##"),
                Markup.Escape(TextLines.Cut(s.Errors.Count == 0 ? "-" : string.Join(" ", s.Errors.Select(e => $"{e.Key}:{e.Value}")), 24)));
        }

        console.Write(table);
        if (fault.Error is not null)
        {
            Line(console, $"fault injection problem: {fault.Error}");
        }
    }

    /// <summary>Writes plain text wrapped to <see cref="Width"/> (a rule or markup paragraph would take the whole console width).</summary>
    private static void Line(IAnsiConsole console, string text)
    {
        foreach (var line in TextLines.Wrap(text, Width))
        {
            console.WriteLine(line);
        }
    }

    private static string ShortSource(string source)
        => source.StartsWith("http://", StringComparison.Ordinal) ? source["http://".Length..] : source;

    private static string Percent(double share) => F(share * 100, share < 0.001 ? "0.0##" : "0.#") + "%";

    private static string F(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);
}
