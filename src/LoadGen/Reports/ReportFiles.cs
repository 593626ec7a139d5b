using System.Text.Json;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// Writes every file of a report next to an output prefix: PREFIX.csv, PREFIX-server.csv (server side per step and
/// statistics source, when there is any), PREFIX-failures.csv (every failure kind with the server's message, when
/// any request failed), PREFIX.json and the PREFIX-*.svg plots; for a run that followed a rollout, PREFIX-rollout.json (the
/// experiment), PREFIX-rollout.txt (its summary) and PREFIX-rollout-timeline.svg.
/// </summary>
public static class ReportFiles
{
    public static IReadOnlyList<string> Write(ProfileReport report, string prefix)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var written = new List<string>();
        void Save(string suffix, string content)
        {
            var path = prefix + suffix;
            File.WriteAllText(path, content);
            written.Add(path);
        }

        Save(".csv", CsvReportWriter.Write(report));
        if (CsvReportWriter.WriteServer(report) is { } server)
        {
            Save("-server.csv", server);
        }

        if (CsvReportWriter.WriteFailures(report) is { } failures)
        {
            Save("-failures.csv", failures);
        }

        Save(".json", JsonReportWriter.Write(report));
        if (report.Steps.Count > 0)
        {
            Save("-latency-throughput.svg", PlotWriter.LatencyVersusThroughput(report));
            Save("-latency-distribution.svg", PlotWriter.LatencyDistribution(report));
        }

        if (PlotWriter.FaultTimeline(report) is { } timeline)
        {
            Save("-fault-timeline.svg", timeline);
        }

        if (report.Rollout is { } rollout)
        {
            Save("-rollout.json", JsonSerializer.Serialize(rollout, JsonReportWriter.Options));
            Save("-rollout.txt", RolloutSummaryWriter.Write(rollout));
            Save("-rollout-timeline.svg", RolloutPlot.Timeline(report)!);
        }

        return written;
    }
}
