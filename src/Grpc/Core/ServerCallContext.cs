namespace Grpc.Core;

/// <summary>What a server handler knows of its call, and how it shapes the response's headers and status.</summary>
public abstract class ServerCallContext
{
    /// <summary>The method's full name, "/package.Service/Method".</summary>
    public abstract string Method { get; }

    public abstract string Host { get; }

    /// <summary>The peer's address, e.g. "ipv4:127.0.0.1:53412".</summary>
    public abstract string Peer { get; }

    /// <summary>The call's deadline in UTC; <see cref="DateTime.MaxValue"/> when the client set none.</summary>
    public abstract DateTime Deadline { get; }

    public abstract Metadata RequestHeaders { get; }

    /// <summary>Cancelled when the client goes away, cancels, or the deadline passes.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Trailers to send with the status; a handler may add to them.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status to send when the handler returns normally (default OK).</summary>
    public abstract Status Status { get; set; }

    public abstract WriteOptions? WriteOptions { get; set; }

    /// <summary>Per-call state for interceptors and middleware.</summary>
    public abstract IDictionary<object, object> UserState { get; }

    /// <summary>Sends response headers now; at most once, before the first message.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
