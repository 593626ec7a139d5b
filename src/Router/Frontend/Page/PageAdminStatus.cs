using System.Globalization;
using EnsembleGrpc.Hosting.Rest;
using EnsembleGrpc.Router.Frontend.Security;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// The HTTP edge of <see cref="AdminGuard"/> for the page's endpoints, the counterpart of gRPC's
/// <see cref="AdminAuthorization"/>: same rules, lockout and log; refusals as 401 (with <c>WWW-Authenticate: Bearer</c>)
/// or, for a locked-out address, 429 with the wait in <c>Retry-After</c>.
/// </summary>
public static class PageAdminStatus
{
    /// <summary>Checks the request; false when refused, the refusal then written.</summary>
    public static async Task<bool> DemandAsync(AdminGuard guard, AdminAccess access, HttpContext context, string? configuredToken)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        string? header = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
        var verdict = guard.Check(access, $"{request.Method} {request.Path}", CallerAddress.FromAddress(context.Connection.RemoteIpAddress), header, configuredToken);
        if (verdict.IsAllowed)
        {
            return true;
        }

        if (verdict.Refusal == AdminRefusal.LockedOut)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(verdict.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await RestHttp.WriteErrorAsync(context.Response, StatusCodes.Status429TooManyRequests, verdict.Message!).ConfigureAwait(false);
            return false;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await RestHttp.WriteErrorAsync(context.Response, StatusCodes.Status401Unauthorized,
            verdict.Message ?? "missing 'Authorization: Bearer <token>' header.").ConfigureAwait(false);
        return false;
    }
}
