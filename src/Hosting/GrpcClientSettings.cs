using System.Security.Cryptography.X509Certificates;

namespace EnsembleGrpc.Hosting;

/// <summary>
/// How <see cref="GrpcChannels"/> builds a Grpc.Net.Client channel. Defaults suit many small unary calls between
/// processes that live long: pooled connections that never idle out, a second connection opened when one is full of
/// streams, and keep-alive pings that find a dead peer.
/// </summary>
public sealed record GrpcClientSettings
{
    /// <summary>Open another HTTP/2 connection when one has reached the server's stream limit. Default true.</summary>
    public bool EnableMultipleHttp2Connections { get; init; } = true;

    /// <summary>Idle time before a keep-alive ping is sent. Default 30 s.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a ping may go unanswered before the connection is closed. Default 10 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed to open a TCP connection. Default 5 s; a dead host fails fast instead of at the OS default.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest response message accepted. Default 16 MiB (a batch of 256 × 10 probabilities is far below).</summary>
    public int? MaxReceiveMessageSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Largest request message sent. Default null: no client-side limit (the server enforces its own).</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>
    /// For <c>dns:///host:port</c> addresses: how often the name is resolved again, so that replicas added since are
    /// connected (removed ones are dropped when their connections fail, which also triggers a new resolution).
    /// Default 30 s (a Kubernetes scale-up is used within that time).
    /// </summary>
    public TimeSpan DnsRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The certificate (with key) presented to servers that ask for one (mutual TLS). Default null: none. Used with
    /// https:// addresses only.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// The authorities a server's certificate must chain to, instead of the machine's roots (a private CA). Default
    /// null: the machine's trust store. The host name is checked either way.
    /// </summary>
    public X509Certificate2Collection? TrustedAuthorities { get; init; }

    /// <summary>
    /// For http(s):// addresses: each call takes a pooled connection or opens one (SocketsHttpHandler's own pool), so
    /// the first call after a server came back reaches it. Default false: grpc-dotnet's subchannel keeps the
    /// connection's state and, after a failed connect, fails every call at once until its reconnect backoff (1 s,
    /// growing to 120 s) has passed. Ignored for <c>dns:///</c> addresses, whose round-robin balancing needs the
    /// subchannels (and skips those not ready).
    /// </summary>
    public bool ConnectOnDemand { get; init; }

    /// <summary>The handler to send through instead of a new SocketsHttpHandler (tests: a TestServer's handler).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}
