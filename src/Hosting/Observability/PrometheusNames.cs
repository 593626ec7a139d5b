using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace EnsembleGrpc.Hosting.Observability;

/// <summary>
/// Renames the instruments of the .NET runtime and process meters whose OpenTelemetry names end in <c>.count</c>
/// although they are gauges: Prometheus reserves <c>_count</c> for histograms and summaries, and
/// <c>promtool check metrics</c> flags them. Counters and our own instruments are left as they are.
/// </summary>
public static class PrometheusNames
{
    private const string CountSuffix = ".count";

    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["dotnet.assembly.count"] = "dotnet.assemblies.loaded",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpus",
        ["dotnet.thread_pool.thread.count"] = "dotnet.thread_pool.threads",
        ["dotnet.timer.count"] = "dotnet.timers",
        ["process.thread.count"] = "process.threads",
        ["process.unix.file_descriptor.count"] = "process.open_fds",
    };

    /// <summary>An OpenTelemetry view: the new name for such a gauge, else null (no change).</summary>
    public static MetricStreamConfiguration? Rename(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        string? name = NameFor(instrument.Name, IsCounter(instrument));
        return name is null ? null : new MetricStreamConfiguration { Name = name };
    }

    /// <summary>The Prometheus-safe name of a non-counter instrument named <c>*.count</c>; null when the name is fine.</summary>
    public static string? NameFor(string instrumentName, bool isCounter)
    {
        ArgumentNullException.ThrowIfNull(instrumentName);
        if (isCounter || !instrumentName.EndsWith(CountSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        return Known.TryGetValue(instrumentName, out string? known) ? known : instrumentName[..^CountSuffix.Length] + ".current";
    }

    private static bool IsCounter(Instrument instrument)
    {
        var type = instrument.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>));
    }
}
