using EnsembleGrpc.InferenceServer.Inference;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.InferenceServer.Frontend.Rest;

/// <summary>
/// The one place where the engine's errors become HTTP statuses for the REST binding, the counterpart of
/// <see cref="StatusMapping"/> for gRPC (same messages): 400 a bad request, 404 unknown model or version, 503 a model
/// not ready, 429 a full queue, 504 a passed deadline, 499 a caller that went away, 500 a failed execution.
/// </summary>
public static class RestStatus
{
    /// <summary>nginx's "client closed request": nobody reads it, but logs see why the request ended.</summary>
    public const int ClientClosedRequest = 499;

    public static int Of(InferenceErrorCode code) => code switch
    {
        InferenceErrorCode.InvalidArgument => StatusCodes.Status400BadRequest,
        InferenceErrorCode.NotFound => StatusCodes.Status404NotFound,
        InferenceErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        InferenceErrorCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        InferenceErrorCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        InferenceErrorCode.Cancelled => ClientClosedRequest,
        _ => StatusCodes.Status500InternalServerError,
    };
}
