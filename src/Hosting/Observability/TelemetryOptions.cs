namespace EnsembleGrpc.Hosting.Observability;

/// <summary>
/// Metrics and traces of a server (section <c>Telemetry</c>; <c>--metrics-port</c>, <c>--traces</c>). Both are off
/// unless asked for, so a server started as before binds no extra port and pays nothing per request.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Port of the HTTP/1.1 listener serving <c>/metrics</c> (Prometheus text format), on the same address as gRPC;
    /// the gRPC port stays HTTP/2 only. Unset (the default): no metrics listener; 0 picks a free one.
    /// </summary>
    public int? MetricsPort { get; set; }

    /// <summary>
    /// Traces (W3C trace context, router → workers): <c>auto</c> (the default) exports over OTLP when a standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> variable is set and is off
    /// otherwise; <c>otlp</c> always exports (to the OTEL_* endpoint, else OTLP's default); <c>on</c> records and
    /// propagates without exporting (an exporter added in-process, or a downstream that exports); <c>off</c>.
    /// </summary>
    public string Traces { get; set; } = TraceModes.Auto;
}
