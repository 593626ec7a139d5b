using EnsembleGrpc.Hosting.Cli;

namespace EnsembleGrpc.Hosting.Observability;

/// <summary>The telemetry options every server's command line offers (keys of section <c>Telemetry</c>).</summary>
public static class TelemetryCommandLine
{
    public static IReadOnlyList<ServerOption> Options() =>
    [
        ServerOption.Int("--metrics-port", Key(nameof(TelemetryOptions.MetricsPort)), "port",
            "Port of an HTTP/1.1 listener serving /metrics (Prometheus text format) on the gRPC address; 0 picks a free one. Default: no metrics listener.",
            null, "a port number (0..65535)"),
        ServerOption.Text("--traces", Key(nameof(TelemetryOptions.Traces)), "auto|otlp|on|off",
            "OpenTelemetry traces with W3C trace context: auto exports over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, otlp always, on records and propagates without exporting, off.",
            TraceModes.Auto),
    ];

    private static string Key(string property) => $"{TelemetryOptions.SectionName}:{property}";
}
