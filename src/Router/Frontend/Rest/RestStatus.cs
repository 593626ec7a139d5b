using System.Globalization;
using EnsembleGrpc.Hosting.Rest;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Router.Frontend.Rest;

/// <summary>
/// The one place where the engine's errors become HTTP statuses for the REST binding, the counterpart of
/// <see cref="ResultStatus"/> for gRPC (same messages): 404 unknown model or version, 400 a bad request, 429 the router
/// refused the request under overload or every member was busy (retry later), 503 fewer members than the quorum answered, 504 the request's timeout passed, 499 the
/// client went away.
/// </summary>
public static class RestStatus
{
    /// <summary>nginx's "client closed request": nobody reads it, but logs and metrics see why the request ended.</summary>
    public const int ClientClosedRequest = 499;

    public static (int Status, string Message) Of(InferenceOutcome outcome, bool deadlinePassed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        string message = outcome.Message ?? "no member answered";
        return outcome.Error switch
        {
            RouterError.ModelNotFound or RouterError.VersionNotFound => (StatusCodes.Status404NotFound, message),
            RouterError.InvalidInput => (StatusCodes.Status400BadRequest, message),
            RouterError.Rejected => (StatusOf(outcome.RejectedAs), message),
            RouterError.Overloaded or RouterError.Shed => (StatusCodes.Status429TooManyRequests, message),
            RouterError.Cancelled when deadlinePassed => (StatusCodes.Status504GatewayTimeout, "the timeout passed before the ensemble answered"),
            RouterError.Cancelled => (ClientClosedRequest, "the request was cancelled"),
            _ => (StatusCodes.Status503ServiceUnavailable, message),
        };
    }

    /// <summary>
    /// Writes the outcome's status and message, and for a refusal under overload the wait as Retry-After (whole
    /// seconds, rounded up, as HTTP has it).
    /// </summary>
    public static Task WriteAsync(HttpResponse response, InferenceOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(response);
        var (status, message) = Of(outcome, deadlinePassed: false);
        if (outcome.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return RestHttp.WriteErrorAsync(response, status, message);
    }

    /// <summary>A member's rejection of the request, as gRPC maps it (<see cref="ResultStatus.CodeOf"/>): not found is 404, the rest 400.</summary>
    public static int StatusOf(MemberFailureKind kind) =>
        kind == MemberFailureKind.RejectedNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
}
