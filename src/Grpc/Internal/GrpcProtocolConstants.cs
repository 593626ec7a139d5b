namespace EnsembleGrpc.Grpc.Internal;

/// <summary>Names and values fixed by the gRPC over HTTP/2 protocol (PROTOCOL-HTTP2).</summary>
internal static class GrpcProtocolConstants
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";

    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string UserAgentHeader = "user-agent";

    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";

    /// <summary>What we advertise in <c>grpc-accept-encoding</c>.</summary>
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>5-byte message prefix: 1 byte compressed flag, 4 bytes big-endian length.</summary>
    public const int HeaderSize = 5;

    /// <summary>Default receive limit, as in grpc-dotnet and C-core.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Headers that are part of the protocol, not call metadata: neither exposed as request metadata nor accepted
    /// from users as custom metadata.
    /// </summary>
    public static bool IsReservedHeader(string name)
    {
        if (name.Length == 0 || name[0] == ':')
        {
            return true;
        }

        return name switch
        {
            "content-type" or "te" or "host" or "user-agent" or "content-length" or "accept-encoding" or "content-encoding" => true,
            // grpc-status-details-bin is the one grpc- header that applications own (rich error details).
            "grpc-status-details-bin" => false,
            _ => name.StartsWith("grpc-", StringComparison.Ordinal),
        };
    }

    /// <summary>Is the content-type a gRPC one (application/grpc, optionally +proto or ;params)?</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }
}
