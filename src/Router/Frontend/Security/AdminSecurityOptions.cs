using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>
/// How the RouterAdmin service guards itself (configuration section <c>Router:AdminSecurity</c>, command line
/// <c>--admin-*</c>). The token itself is the routing file's <c>admin_token</c> or <c>ENSEMBLEGRPC_ADMIN_TOKEN</c>.
/// Validated at start-up.
/// </summary>
public sealed class AdminSecurityOptions
{
    public const string Section = "Router:AdminSecurity";

    /// <summary>
    /// Failed token checks from one caller (its IP address, any port) within <see cref="FailureWindowSeconds"/> after
    /// which every admin call from it is refused with RESOURCE_EXHAUSTED for one window. Default 5.
    /// </summary>
    [Range(1, 1000)]
    public int MaxFailures { get; set; } = 5;

    /// <summary>The window the failures are counted in, and how long a caller stays locked out. Default 60 s.</summary>
    [Range(1, 86_400)]
    public int FailureWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Whether the read-only calls (GetConfig, GetStatistics) need the token too. Default false: they reveal no
    /// secret (the token is masked) and monitoring reads them; a locked-out caller is refused them all the same.
    /// </summary>
    public bool ProtectReads { get; set; }

    /// <summary>
    /// Callers with recent failures the router keeps track of. Beyond it (many addresses failing at once) the new ones
    /// share one counter, so the memory stays bounded and they are still limited. Default 10000.
    /// </summary>
    [Range(16, 1_000_000)]
    public int MaxTrackedCallers { get; set; } = 10_000;

    public TimeSpan FailureWindow => TimeSpan.FromSeconds(FailureWindowSeconds);
}
