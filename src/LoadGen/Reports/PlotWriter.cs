using System.Globalization;
using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// The plots of a report, as SVG: latency (p50/p90/p99) versus throughput across the steps, the latency distribution
/// of every step (percentile curve on a "nines" axis), and for a fault run the timeline with the fault shaded.
/// </summary>
public static class PlotWriter
{
    public static string LatencyVersusThroughput(ProfileReport report)
    {
        // Joined in order of offered load (concurrency or rate), not of measured throughput: past saturation the
        // throughput stalls or falls while latency climbs, and the curve should show that fold rather than zigzag.
        var steps = report.Steps.Where(s => s.Succeeded > 0).OrderBy(s => (double?)s.Concurrency ?? s.Rate ?? s.Throughput).ToList();
        // p99.9 often sits two decades above p50; on a linear axis it would flatten the other lines onto the floor.
        var latencies = steps.SelectMany(s => new[] { s.Latency.P50Ms, s.Latency.P999Ms }).Where(v => v > 0).ToList();
        var wide = latencies.Count > 0 && latencies.Max() / Math.Max(latencies.Min(), 1e-6) > 30;
        var chart = new SvgChart
        {
            Title = $"Latency vs throughput: {report.Run.Model}",
            Subtitle = Subtitle(report),
            XLabel = "throughput (successful requests/s)",
            YLabel = "latency (ms)",
            YScale = wide ? AxisScale.Log : AxisScale.Linear,
            Note = Omitted(report.Steps.Where(s => s.Succeeded == 0).ToList()),
        };
        ChartSeries Line(string name, Func<StepSummary, double> y, string color, bool dashed = false) =>
            new(name, steps.Select(s => new ChartPoint(s.Throughput, y(s), name == "p99" ? ShortLabel(s) : null)).ToList()) { Color = color, Dashed = dashed };
        chart.Series.Add(Line("p50", s => s.Latency.P50Ms, "#1f77b4"));
        chart.Series.Add(Line("p90", s => s.Latency.P90Ms, "#ff7f0e"));
        chart.Series.Add(Line("p99", s => s.Latency.P99Ms, "#d62728"));
        chart.Series.Add(Line("p99.9", s => s.Latency.P999Ms, "#7f7f7f", dashed: true));
        return chart.Render();
    }

    public static string LatencyDistribution(ProfileReport report)
    {
        var steps = report.Steps.Where(s => s.Distribution.Count > 0).ToList();
        var all = steps.SelectMany(s => s.Distribution).Select(p => p.LatencyMs).Where(v => v > 0).ToList();
        var wide = all.Count > 0 && all.Max() / Math.Max(all.Min(), 1e-6) > 30;
        var chart = new SvgChart
        {
            Title = $"Latency distribution by step: {report.Run.Model}",
            Subtitle = Subtitle(report),
            XLabel = "percentile",
            YLabel = "latency (ms)",
            XScale = AxisScale.Nines,
            YScale = wide ? AxisScale.Log : AxisScale.Linear,
        };
        foreach (var step in steps)
        {
            var points = step.Distribution
                .Where(p => p.Percentile < 100)
                .Select(p => new ChartPoint(-Math.Log10(1 - (p.Percentile / 100)), p.LatencyMs))
                .ToList();
            chart.Series.Add(new ChartSeries(step.Label, points) { Markers = false });
        }

        return chart.Render();
    }

    public static string? FaultTimeline(ProfileReport report)
    {
        if (report.Fault is not { } fault)
        {
            return null;
        }

        var chart = new SvgChart
        {
            Title = report.Steps.Count == 1 ? $"Fault run: {report.Run.Model}, {report.Steps[0].Label}" : $"Fault run: {report.Run.Model}",
            Subtitle = fault.Fault,
            XLabel = "time since measurement start (s, by intended send time)",
            YLabel = "latency (ms)",
            RightLabel = "success / fallback rate",
        };
        chart.Shaded.Add((fault.BeganAtSeconds, fault.EndedAtSeconds, "fault"));
        chart.Series.Add(new ChartSeries("p50", fault.Timeline.Select(t => new ChartPoint(t.StartSeconds, t.P50Ms)).ToList()) { Color = "#1f77b4" });
        chart.Series.Add(new ChartSeries("p99", fault.Timeline.Select(t => new ChartPoint(t.StartSeconds, t.P99Ms)).ToList()) { Color = "#d62728" });
        chart.Series.Add(new ChartSeries("success %", fault.Timeline.Select(t => new ChartPoint(t.StartSeconds, t.SuccessRate * 100)).ToList()) { Color = "#2ca02c", Dashed = true, RightAxis = true });
        chart.Series.Add(new ChartSeries("fallback %", fault.Timeline.Select(t => new ChartPoint(t.StartSeconds, t.FallbackRate * 100)).ToList()) { Color = "#9467bd", Dashed = true, RightAxis = true });
        return chart.Render();
    }

    private static string? Omitted(IReadOnlyList<StepSummary> failed) => failed.Count == 0
        ? null
        : $"Not plotted (no successful request): {string.Join(", ", failed.Select(s => s.Label))}.";

    private static string ShortLabel(StepSummary s) => s.Concurrency is { } c
        ? $"c={c}"
        : s.Rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r:0.#}/s") : s.Label;

    private static string Subtitle(ProfileReport report)
    {
        var run = report.Run;
        var parts = new List<string> { run.Target, run.Mode, $"batch {run.BatchSize}", $"{run.Connections} connection(s)" };
        if (run.Strategy is not null)
        {
            parts.Add($"strategy {run.Strategy}");
        }

        parts.Add(run.StartedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        return string.Join(" · ", parts);
    }
}
