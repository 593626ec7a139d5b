using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>
/// The one admin check every front end shares (gRPC's <see cref="AdminAuthorization"/>, the page's REST endpoints):
/// a write needs <c>authorization: Bearer &lt;token&gt;</c> matching the configured admin token (compared by
/// <see cref="TokenComparer"/>), and is refused when none is configured; a read needs it only when
/// <see cref="AdminSecurityOptions.ProtectReads"/>. A caller address with too many failed checks
/// (<see cref="FailedAttemptLimiter"/>) is refused every admin call, whatever it presents, until its lockout ends.
/// Failures are logged with the caller and the method, never with what was presented. Protocol-free: each front end
/// reads the header its way and maps the <see cref="AdminVerdict"/> to its statuses.
/// </summary>
public sealed partial class AdminGuard(IOptions<AdminSecurityOptions> options, FailedAttemptLimiter limiter, ILogger<AdminGuard> logger)
{
    private const string Scheme = "Bearer ";

    /// <summary>Whether reads need the token (the page tells its user before the first refusal).</summary>
    public bool ReadsProtected => options.Value.ProtectReads;

    /// <param name="access">What the call does.</param>
    /// <param name="method">The call's name, for the log (a gRPC method path, or an HTTP method and path).</param>
    /// <param name="caller">The caller's address as <see cref="CallerAddress"/> gives it: failures are counted per address.</param>
    /// <param name="authorization">The <c>authorization</c> header's value; null when absent.</param>
    /// <param name="configuredToken">The admin token in force (routing file or environment); null or empty for none.</param>
    public AdminVerdict Check(AdminAccess access, string method, string caller, string? authorization, string? configuredToken)
    {
        if (limiter.LockedOutFor(caller) is { } wait)
        {
            Log.Refused(logger, method, caller);
            return new AdminVerdict(AdminRefusal.LockedOut,
                $"too many failed admin authentications from this address; retry in {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
        }

        if (access == AdminAccess.Read && !options.Value.ProtectReads)
        {
            return AdminVerdict.Allowed;
        }

        if (string.IsNullOrEmpty(configuredToken))
        {
            // Not a guess, so not counted: the operator has not enabled what the call needs.
            return new AdminVerdict(AdminRefusal.NotConfigured, access == AdminAccess.Write
                ? "admin writes are disabled: no admin token is configured (admin_token in the routing file or ENSEMBLEGRPC_ADMIN_TOKEN)."
                : "admin reads are protected but no admin token is configured (admin_token in the routing file or ENSEMBLEGRPC_ADMIN_TOKEN).", TimeSpan.Zero);
        }

        return CheckToken(method, caller, authorization, configuredToken);
    }

    private AdminVerdict CheckToken(string method, string caller, string? header, string configuredToken)
    {
        bool wellFormed = header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);
        if (wellFormed && TokenComparer.FixedTimeMatches(header![Scheme.Length..].Trim(), configuredToken))
        {
            limiter.RecordSuccess(caller);
            return AdminVerdict.Allowed;
        }

        string reason = header is null ? "no authorization metadata" : wellFormed ? "wrong token" : "not a bearer token";
        Log.Failed(logger, method, caller, reason);
        if (limiter.RecordFailure(caller))
        {
            var o = options.Value;
            Log.LockedOut(logger, caller, o.MaxFailures, o.FailureWindowSeconds);
        }

        return wellFormed
            ? new AdminVerdict(AdminRefusal.InvalidToken, "the bearer token is not valid.", TimeSpan.Zero)
            : new AdminVerdict(AdminRefusal.MissingCredentials, null, TimeSpan.Zero);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 710, EventName = "AdminAuthenticationFailed", Level = LogLevel.Warning, Message = "Admin call {Method} from {Caller} refused: {Reason}.")]
        public static partial void Failed(ILogger logger, string method, string caller, string reason);

        [LoggerMessage(EventId = 711, EventName = "AdminCallerLockedOut", Level = LogLevel.Warning, Message = "Admin caller {Caller} locked out after {Failures} failed authentications within {WindowSeconds} s.")]
        public static partial void LockedOut(ILogger logger, string caller, int failures, int windowSeconds);

        [LoggerMessage(EventId = 712, EventName = "AdminCallRateLimited", Level = LogLevel.Debug, Message = "Admin call {Method} from locked-out caller {Caller} refused.")]
        public static partial void Refused(ILogger logger, string method, string caller);
    }
}
