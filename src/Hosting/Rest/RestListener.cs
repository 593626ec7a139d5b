using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EnsembleGrpc.Hosting.Rest;

/// <summary>
/// The HTTP/JSON endpoint of a server (the REST binding of the inference protocol), beside its h2c-only gRPC port:
/// HTTP/1.1, cleartext. One per host (a singleton); it remembers its Kestrel endpoint so the bound port
/// can be read after start, the real one when port 0 was asked for.
/// </summary>
public sealed class RestListener
{
    private ListenOptions? _listen;

    /// <summary>Whether the host listens for HTTP at all (its --http-port was given).</summary>
    public bool Enabled => _listen is not null;

    /// <summary>The bound port, after start; null when HTTP is off.</summary>
    public int? Port => _listen is null ? null : (_listen.EndPoint as IPEndPoint)?.Port;

    /// <summary>Listens on <paramref name="endpoint"/> for HTTP/1.1.</summary>
    public void Listen(KestrelServerOptions kestrel, IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(endpoint);
        kestrel.Listen(endpoint, listen =>
        {
            // HTTP/1.1 only: cleartext Kestrel cannot tell an h2 preface from HTTP/1.1 on one port (h2c clients have the
            // gRPC port), and without TLS there is no ALPN to offer h2.
            listen.Protocols = HttpProtocols.Http1;
            _listen = listen;
        });
    }
}
