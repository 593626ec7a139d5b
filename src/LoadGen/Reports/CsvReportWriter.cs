using System.Globalization;
using System.Text;
using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// One row per step (for a fault run also one per phase), invariant culture, RFC 4180 quoting. Its server_* columns
/// are the first statistics source that served requests (the target's model by default); <see cref="WriteServer"/>
/// has one row per step and source, <see cref="WriteFailures"/> one per step and failure kind.
/// </summary>
public static class CsvReportWriter
{
    public static readonly string[] Columns =
    [
        "label", "mode", "concurrency", "rate", "stable", "windows", "duration_s", "requests", "succeeded", "success_rate",
        "throughput_rps", "inferences_per_s", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms",
        "service_p50_ms", "service_p99_ms", "late_sends", "late_share", "max_send_delay_ms", "accuracy", "fallback_rate",
        "errors", "server_queue_us", "server_compute_us", "sent", "incomplete", "no_stable_window",
    ];

    public static readonly string[] FailureColumns = ["label", "status", "message", "count"];

    public static readonly string[] ServerColumns =
    [
        "label", "source", "model", "requests", "failed", "inferences", "executions", "mean_batch", "queue_us", "compute_input_us",
        "compute_infer_us", "compute_output_us", "compute_us", "server_us",
    ];

    public static string Write(ProfileReport report)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', Columns));
        var rows = report.Steps.ToList();
        if (report.Fault is { } fault)
        {
            rows.AddRange([fault.Before, fault.During, fault.After]);
        }

        foreach (var s in rows)
        {
            var server = s.Server.FirstOrDefault(x => x.Requests > 0);
            string? queue = server is null ? null : N(server.QueueUsPerRequest);
            string? compute = server is null ? null : N(server.ComputeUsPerRequest);
            string[] fields =
            [
                s.Label, s.Mode, s.Concurrency?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, s.Rate is { } r ? N(r) : string.Empty,
                s.Stable ? "true" : "false", I(s.Windows), N(s.DurationSeconds), I(s.Requests), I(s.Succeeded), N(s.SuccessRate),
                N(s.Throughput), N(s.InferencesPerSecond), N(s.Latency.P50Ms), N(s.Latency.P90Ms), N(s.Latency.P95Ms), N(s.Latency.P99Ms),
                N(s.Latency.P999Ms), N(s.Latency.MaxMs), N(s.Latency.MeanMs), N(s.ServiceTime.P50Ms), N(s.ServiceTime.P99Ms),
                I(s.LateSends), N(s.LateShare), N(s.MaxSendDelayMs), s.Accuracy is { } a ? N(a) : string.Empty, N(s.FallbackRate),
                string.Join(';', s.Errors.Select(e => $"{e.Key}={e.Value}")), queue ?? string.Empty, compute ?? string.Empty,
                I(s.Sent), s.Incomplete ? "true" : "false", s.NoStableWindow ?? string.Empty,
            ];
            csv.AppendLine(string.Join(',', fields.Select(Quote)));
        }

        return csv.ToString();
    }

    /// <summary>Server-side figures per step and statistics source (µs per successful request); null when there are none.</summary>
    public static string? WriteServer(ProfileReport report)
    {
        var rows = report.Steps.SelectMany(s => s.Server.Where(ConsoleReportWriter.Active).Select(x => (Step: s, Server: x))).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', ServerColumns));
        foreach (var (s, x) in rows)
        {
            string[] fields =
            [
                s.Label, x.Source, x.Model, x.Requests.ToString(CultureInfo.InvariantCulture), x.Failures.ToString(CultureInfo.InvariantCulture),
                x.Inferences.ToString(CultureInfo.InvariantCulture), x.Executions.ToString(CultureInfo.InvariantCulture), N(x.MeanBatch),
                N(x.QueueUsPerRequest), N(x.InputUsPerRequest), N(x.InferUsPerRequest), N(x.OutputUsPerRequest), N(x.ComputeUsPerRequest), N(x.ServerUsPerRequest),
            ];
            csv.AppendLine(string.Join(',', fields.Select(Quote)));
        }

        return csv.ToString();
    }

    /// <summary>Every failure kind (status and server message) of every step and fault phase; null when nothing failed.</summary>
    public static string? WriteFailures(ProfileReport report)
    {
        var rows = report.Steps.ToList();
        if (report.Fault is { } fault)
        {
            rows.AddRange([fault.Before, fault.During, fault.After]);
        }

        var failures = rows.SelectMany(s => s.Failures.Select(f => (Step: s, Failure: f))).ToList();
        if (failures.Count == 0)
        {
            return null;
        }

        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', FailureColumns));
        foreach (var (s, f) in failures)
        {
            csv.AppendLine(string.Join(',', new[] { s.Label, f.Status, f.Message, I(f.Count) }.Select(Quote)));
        }

        return csv.ToString();
    }

    private static string N(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string field)
        => field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
