namespace EnsembleGrpc.Hosting.Observability;

/// <summary>The values of <see cref="TelemetryOptions.Traces"/>.</summary>
public static class TraceModes
{
    public const string Auto = "auto";
    public const string Otlp = "otlp";
    public const string On = "on";
    public const string Off = "off";

    public static readonly IReadOnlyList<string> All = [Auto, Otlp, On, Off];

    /// <summary>Whether traces are recorded (and so propagated) and whether they go out over OTLP, for a mode and the environment.</summary>
    public static (bool Record, bool Export) Resolve(string mode, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        bool otlpConfigured = !string.IsNullOrEmpty(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrEmpty(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        return mode.ToLowerInvariant() switch
        {
            Otlp => (true, true),
            On => (true, false),
            Off => (false, false),
            _ => (otlpConfigured, otlpConfigured),
        };
    }
}
