using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Hosting.Observability;

/// <summary>Checks <see cref="TelemetryOptions"/> at start-up, every problem at once.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.MetricsPort is { } port && port is < 0 or > 65535)
        {
            problems.Add($"Telemetry:MetricsPort (--metrics-port) must be a port number (0..65535); got {port}.");
        }

        if (!TraceModes.All.Contains(options.Traces, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"Telemetry:Traces (--traces) must be one of {string.Join(", ", TraceModes.All)}; got '{options.Traces}'.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
