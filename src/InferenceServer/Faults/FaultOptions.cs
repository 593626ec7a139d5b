using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.InferenceServer.Faults;

/// <summary>
/// Fault injection for resilience testing (section <c>Worker:Faults</c>; command line <c>--fault-*</c>). Everything
/// is off by default; when anything is on, the worker logs a Warning per affected model at startup.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>Latency added before each request is scheduled, in milliseconds (<c>--fault-latency-ms</c>, default 0).</summary>
    [Range(0, 600_000)]
    public int LatencyMs { get; set; }

    /// <summary>Fraction of requests answered with an injected error, 0..1 (<c>--fault-failure-rate</c>, default 0).</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>The injected error's status: <c>unavailable</c> (default) or <c>internal</c> (<c>--fault-failure-status</c>).</summary>
    public string FailureStatus { get; set; } = "unavailable";

    /// <summary>Never answer until the caller cancels or its deadline passes (<c>--fault-hang</c>, default false).</summary>
    public bool Hang { get; set; }

    /// <summary>Comma-separated models the faults apply to; empty means every served model (<c>--fault-models</c>).</summary>
    public string Models { get; set; } = string.Empty;

    /// <summary>Seed for the failure draws, for reproducible runs; absent means a random seed (<c>--fault-seed</c>).</summary>
    public int? Seed { get; set; }
}
