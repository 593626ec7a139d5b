using Grpc.Core;

namespace EnsembleGrpc.Grpc.Internal;

/// <summary>
/// The status for an HTTP/2 stream reset (RST_STREAM / GOAWAY error code), per PROTOCOL-HTTP2 "Errors": a reset is the
/// only way a peer ends a stream without trailers, so the code must still become a gRPC status.
/// </summary>
internal static class Http2ErrorMapping
{
    public const long NoError = 0x0;
    public const long RefusedStream = 0x7;
    public const long Cancel = 0x8;
    public const long EnhanceYourCalm = 0xb;
    public const long InadequateSecurity = 0xc;

    public static StatusCode ToStatusCode(long errorCode) => errorCode switch
    {
        // REFUSED_STREAM: nothing was processed, the caller may retry.
        RefusedStream => StatusCode.Unavailable,
        Cancel => StatusCode.Cancelled,
        EnhanceYourCalm => StatusCode.ResourceExhausted,
        InadequateSecurity => StatusCode.PermissionDenied,
        // NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, FRAME_SIZE_ERROR,
        // COMPRESSION_ERROR, CONNECT_ERROR and anything unknown.
        _ => StatusCode.Internal,
    };
}
