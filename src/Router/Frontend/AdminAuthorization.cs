using System.Globalization;
using EnsembleGrpc.Router.Frontend.Security;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// Guards the RouterAdmin calls. Every call that changes state (<see cref="DemandWrite"/>: the traffic split, feedback
/// and any later rollout control) needs <c>authorization: Bearer &lt;token&gt;</c> matching the configured admin token
/// (compared by <see cref="TokenComparer"/>); with no token configured those calls are refused. Reads
/// (<see cref="DemandRead"/>) are open unless <see cref="AdminSecurityOptions.ProtectReads"/>. A caller address with
/// too many failed checks (<see cref="FailedAttemptLimiter"/>) gets RESOURCE_EXHAUSTED on every admin call, with the
/// wait in the <c>grpc-retry-pushback-ms</c> trailer, until its lockout ends. Failures are logged with the caller and
/// method, never with what was presented.
/// </summary>
public sealed partial class AdminAuthorization(IOptions<AdminSecurityOptions> options, FailedAttemptLimiter limiter, ILogger<AdminAuthorization> logger)
{
    /// <summary>The trailer gRPC's retry design reads as the server's pushback.</summary>
    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    private const string Scheme = "Bearer ";

    /// <summary>For a call that changes state: a valid token is required.</summary>
    public void DemandWrite(ServerCallContext context, string? configuredToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string caller = CallerAddress.FromPeer(context.Peer);
        RefuseIfLockedOut(context, caller);
        if (string.IsNullOrEmpty(configuredToken))
        {
            // Not a guess, so not counted: the operator has not enabled admin writes.
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "admin writes are disabled: no admin token is configured (admin_token in the routing file or ENSEMBLEGRPC_ADMIN_TOKEN)."));
        }

        CheckToken(context, caller, configuredToken);
    }

    /// <summary>For a read-only call: refused to a locked-out caller; needs the token only when reads are protected.</summary>
    public void DemandRead(ServerCallContext context, string? configuredToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string caller = CallerAddress.FromPeer(context.Peer);
        RefuseIfLockedOut(context, caller);
        if (options.Value.ProtectReads)
        {
            if (string.IsNullOrEmpty(configuredToken))
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated,
                    "admin reads are protected but no admin token is configured (admin_token in the routing file or ENSEMBLEGRPC_ADMIN_TOKEN)."));
            }

            CheckToken(context, caller, configuredToken);
        }
    }

    private void RefuseIfLockedOut(ServerCallContext context, string caller)
    {
        if (limiter.LockedOutFor(caller) is not { } wait)
        {
            return;
        }

        Log.Refused(logger, context.Method, caller);
        long ms = (long)Math.Ceiling(wait.TotalMilliseconds);
        var trailers = new Metadata { { RetryPushbackTrailer, ms.ToString(CultureInfo.InvariantCulture) } };
        throw new RpcException(new Status(StatusCode.ResourceExhausted,
            $"too many failed admin authentications from this address; retry in {Math.Ceiling(wait.TotalSeconds):0} s."), trailers);
    }

    private void CheckToken(ServerCallContext context, string caller, string configuredToken)
    {
        string? header = context.RequestHeaders.GetValue("authorization");
        bool wellFormed = header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);
        if (wellFormed && TokenComparer.FixedTimeMatches(header![Scheme.Length..].Trim(), configuredToken))
        {
            limiter.RecordSuccess(caller);
            return;
        }

        string reason = header is null ? "no authorization metadata" : wellFormed ? "wrong token" : "not a bearer token";
        Log.Failed(logger, context.Method, caller, reason);
        if (limiter.RecordFailure(caller))
        {
            var o = options.Value;
            Log.LockedOut(logger, caller, o.MaxFailures, o.FailureWindowSeconds);
        }

        throw new RpcException(new Status(StatusCode.Unauthenticated, wellFormed
            ? "the bearer token is not valid."
            : "missing 'authorization: Bearer <token>' metadata."));
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
