namespace EnsembleGrpc.Router.Hosting;

/// <summary>How the router decides it is ready (section <c>Router:Health</c>).</summary>
public sealed class RouterHealthOptions
{
    public const string SectionName = "Router:Health";

    /// <summary>
    /// How long one ModelReady probe of a member endpoint may take before the endpoint counts as unreachable.
    /// Default 1000 ms: a loaded worker answers in well under a millisecond; a hung one must not hold readiness up.
    /// </summary>
    public int ProbeTimeoutMs { get; set; } = 1000;

    /// <summary>
    /// How long a probe's result is reused by further readiness checks. Default 1000 ms: polls from many load
    /// balancers and clients cost the workers at most one probe round per second.
    /// </summary>
    public int ProbeFreshnessMs { get; set; } = 1000;
}
