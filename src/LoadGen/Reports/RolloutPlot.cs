using EnsembleGrpc.LoadGen.Rollouts;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// A feedback run's rollout timeline as SVG: the candidate's share and the guardrail rates per arm (right axis, %),
/// each arm's client-side p95 per poll interval (left axis, ms), and every decision as a marker with its kind and
/// reason. Like the fault timeline, it only draws what the report holds.
/// </summary>
public static class RolloutPlot
{
    /// <summary>Characters of a decision's reason written beside its marker (the whole reason is its tooltip).</summary>
    public const int LabelLength = 64;

    public static string? Timeline(ProfileReport report)
    {
        if (report.Rollout is not { } rollout)
        {
            return null;
        }

        var chart = new SvgChart
        {
            Title = $"Rollout on {rollout.Ensemble}: {rollout.Candidate} against {rollout.Baseline}",
            Subtitle = Subtitle(rollout),
            XLabel = "time since measurement start (s)",
            YLabel = "p95 latency per poll interval (ms, client side)",
            RightLabel = "share, accuracy, error and fallback rate (%)",
            Note = RolloutSummaryWriter.OutcomeLine(rollout),
        };
        var samples = rollout.Samples;
        ChartSeries Percent(string name, Func<RolloutSample, double> y, string color, bool dashed = false) =>
            new(name, samples.Select(s => new ChartPoint(s.Seconds, y(s) * 100)).Where(p => double.IsFinite(p.Y)).ToList()) { Color = color, Dashed = dashed, RightAxis = true, Markers = false };
        ChartSeries Latency(string name, Func<RolloutSample, double?> y, string color) =>
            new(name, samples.Where(s => y(s) is not null).Select(s => new ChartPoint(s.Seconds, y(s)!.Value)).ToList()) { Color = color, Markers = false };

        chart.Series.Add(new ChartSeries("candidate share", Steps(samples)) { Color = "#17becf", RightAxis = true, Markers = false });
        chart.Series.Add(Percent($"accuracy {rollout.Baseline}", s => s.Baseline?.Accuracy ?? double.NaN, "#2ca02c"));
        chart.Series.Add(Percent($"accuracy {rollout.Candidate}", s => s.Candidate?.Accuracy ?? double.NaN, "#d62728"));
        chart.Series.Add(Percent($"errors {rollout.Candidate}", s => s.Candidate?.ErrorRate ?? double.NaN, "#8c564b", dashed: true));
        chart.Series.Add(Percent($"fallbacks {rollout.Candidate}", s => s.Candidate?.FallbackRate ?? double.NaN, "#9467bd", dashed: true));
        chart.Series.Add(Latency($"p95 {rollout.Baseline}", s => s.BaselineP95Ms, "#7f7f7f"));
        chart.Series.Add(Latency($"p95 {rollout.Candidate}", s => s.CandidateP95Ms, "#ff7f0e"));
        foreach (var d in rollout.Decisions)
        {
            chart.Marks.Add(new ChartMark(d.SeenAtSeconds, d.Kind, MarkLabel(d), $"#{d.Sequence} {d.Kind} {d.FromPercent}→{d.ToPercent}%: {d.Reason}", Color(d.Kind)));
        }

        return chart.Render();
    }

    /// <summary>The share as steps: it holds from one poll to the next, and changes where a poll saw it change.</summary>
    private static List<ChartPoint> Steps(IReadOnlyList<RolloutSample> samples)
    {
        var points = new List<ChartPoint>();
        foreach (var s in samples)
        {
            if (points.Count > 0 && points[^1].Y != s.CandidatePercent)
            {
                points.Add(new ChartPoint(s.Seconds, points[^1].Y));
            }

            points.Add(new ChartPoint(s.Seconds, s.CandidatePercent));
        }

        return points;
    }

    internal static string MarkLabel(RolloutDecisionPoint d)
    {
        var label = $"{d.Kind} {d.FromPercent}→{d.ToPercent}%" + (d.Reason.Length > 0 ? ": " + d.Reason : "");
        return label.Length <= LabelLength ? label : label[..(LabelLength - 1)] + "…";
    }

    private static string Color(string kind) => kind switch
    {
        RolloutSnapshot.RolledBack or RolloutSnapshot.Aborted => "#d62728",
        RolloutSnapshot.Promoted => "#2ca02c",
        "advanced" => "#1f77b4",
        "held" => "#ff7f0e",
        _ => "#444444",
    };

    private static string Subtitle(RolloutExperiment rollout)
    {
        var feedback = rollout.Feedback is { } f ? $" · feedback {f.Accepted:N0} accepted, {f.Failed:N0} failed" : "";
        return $"rollout {rollout.RolloutId} · steps {string.Join(", ", rollout.Steps)}% · polled every {rollout.PollSeconds:0.##} s{feedback}";
    }
}
