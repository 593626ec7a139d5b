using Grpc.Core;

namespace EnsembleGrpc.Grpc.Internal;

/// <summary>The status a client reports for a non-200 HTTP response that carries no grpc-status (PROTOCOL-HTTP2).</summary>
internal static class HttpStatusMapping
{
    public static StatusCode ToStatusCode(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
