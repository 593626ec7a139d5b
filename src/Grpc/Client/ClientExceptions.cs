using System.Net.Http;
using System.Net.Sockets;
using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>Turns transport exceptions into statuses, the way grpc-dotnet does, and spots refused streams.</summary>
internal static class ClientExceptions
{
    /// <summary>
    /// True when the server reset the stream with REFUSED_STREAM: it never processed the request, so sending it again
    /// is safe (and happens when a burst of calls outruns the server's SETTINGS).
    /// </summary>
    public static bool IsRefusedStream(Exception exception) =>
        FindProtocolException(exception) is { ErrorCode: Http2ErrorMapping.RefusedStream };

    /// <summary>The status for an exception that ended a call; <paramref name="summary"/> says at which stage.</summary>
    public static Status ToStatus(string summary, Exception exception)
    {
        switch (exception)
        {
            case RpcException rpc:
                return rpc.Status;
            case FramingException framing:
                return new Status(framing.StatusCode, framing.Message, framing);
        }

        return new Status(ResolveStatusCode(exception), summary + " " + exception.GetType().Name + ": " + exception.Message, exception);
    }

    private static StatusCode ResolveStatusCode(Exception exception)
    {
        // A stream reset carries a code that maps to a status; look for it before the generic I/O cases, since
        // HttpProtocolException is itself an IOException.
        if (FindProtocolException(exception) is { } protocol)
        {
            return Http2ErrorMapping.ToStatusCode(protocol.ErrorCode);
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            // Could not connect, connection lost, protocol mismatch: the server is unavailable from here.
            if (current is SocketException or IOException or HttpRequestException)
            {
                return StatusCode.Unavailable;
            }
        }

        return StatusCode.Internal;
    }

    private static HttpProtocolException? FindProtocolException(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpProtocolException protocol)
            {
                return protocol;
            }
        }

        return null;
    }
}
