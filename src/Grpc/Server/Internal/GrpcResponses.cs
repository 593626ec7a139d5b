using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>Responses written before a call exists (rejections, UNIMPLEMENTED): trailers-only, status in the headers.</summary>
internal static class GrpcResponses
{
    public static void WriteTrailersOnly(HttpContext httpContext, int httpStatusCode, StatusCode statusCode, string detail)
    {
        var response = httpContext.Response;
        response.StatusCode = httpStatusCode;
        response.ContentType = GrpcProtocolConstants.ContentType;
        var headers = response.Headers;
        headers[GrpcProtocolConstants.AcceptEncodingHeader] = GrpcProtocolConstants.SupportedEncodings;
        headers[GrpcProtocolConstants.StatusTrailer] = StatusParsing.FormatCode(statusCode);
        headers[GrpcProtocolConstants.MessageTrailer] = PercentEncoding.Encode(detail);
    }
}
