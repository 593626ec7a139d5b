using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EnsembleGrpc.Hosting.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Hosting;

/// <summary>One-line Kestrel endpoint setup for Grpc.AspNetCore: HTTP/2 only, cleartext (prior knowledge) or TLS with ALPN h2.</summary>
public static class GrpcKestrel
{
    /// <summary>Minimum concurrent streams per connection we allow (Kestrel's own default).</summary>
    public const int MinStreamsPerConnection = 100;

    /// <summary>
    /// The port the host's server actually bound (the real one when port 0 was asked for): hosts started by tests and
    /// benchmarks on port 0 read it after start.
    /// </summary>
    public static int BoundPort(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has not started: it has no bound address yet.");
        return new Uri(address).Port;
    }

    /// <summary>Listens for h2c (HTTP/2 without TLS, prior knowledge) on <paramref name="endpoint"/> and applies the HTTP/2 limits.</summary>
    public static void ListenH2c(KestrelServerOptions options, IPEndPoint endpoint, GrpcKestrelOptions? limits = null, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoint);
        ApplyHttp2Limits(options, limits);
        options.Listen(endpoint, listen =>
        {
            // Http2 alone: a cleartext Http1AndHttp2 endpoint would speak HTTP/1.1 to clients that send the h2 preface.
            listen.Protocols = HttpProtocols.Http2;
            configure?.Invoke(listen);
        });
    }

    /// <summary>Listens for HTTP/2 over TLS on <paramref name="endpoint"/> (ALPN h2 only) and applies the HTTP/2 limits.</summary>
    public static void ListenTls(KestrelServerOptions options, IPEndPoint endpoint, X509Certificate2 certificate, GrpcKestrelOptions? limits = null, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(certificate);
        ApplyHttp2Limits(options, limits);
        options.Listen(endpoint, listen =>
        {
            // With TLS, Protocols = Http2 makes Kestrel offer only "h2" in ALPN.
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
            configure?.Invoke(listen);
        });
    }

    /// <summary>
    /// Listens on <paramref name="endpoint"/> with TLS when <paramref name="tls"/> is given (h2 by ALPN; client
    /// certificates required when it names client authorities), otherwise h2c: the one call every host makes.
    /// </summary>
    public static void Listen(KestrelServerOptions options, IPEndPoint endpoint, ServerTls? tls, GrpcKestrelOptions? limits = null, Action<ListenOptions>? configure = null)
    {
        if (tls is null)
        {
            ListenH2c(options, endpoint, limits, configure);
        }
        else
        {
            ListenTls(options, endpoint, tls, limits, configure);
        }
    }

    /// <summary>
    /// Listens for HTTP/2 over TLS (ALPN h2 only). With <see cref="ServerTls.ClientAuthorities"/>, a client must present
    /// a certificate for client authentication that chains to one of them (and only them), or the handshake fails.
    /// </summary>
    public static void ListenTls(KestrelServerOptions options, IPEndPoint endpoint, ServerTls tls, GrpcKestrelOptions? limits = null, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(tls);
        ApplyHttp2Limits(options, limits);
        var https = new HttpsConnectionAdapterOptions { ServerCertificate = tls.Certificate };
        if (tls.ClientAuthorities is { } authorities)
        {
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            // Our own chain check: the machine's roots must not vouch for clients, only the configured authorities.
            https.ClientCertificateValidation = (certificate, _, _) =>
                TlsCertificates.IsIssuedBy(certificate, authorities, TlsCertificates.ClientAuthenticationOid);
        }

        options.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(https);
            configure?.Invoke(listen);
        });
    }

    /// <summary>
    /// Applies gRPC-friendly HTTP/2 limits server-wide (Kestrel's limits are not per endpoint). Values only ever raise
    /// Kestrel's current settings, so a host that configured larger ones keeps them.
    /// </summary>
    public static void ApplyHttp2Limits(KestrelServerOptions options, GrpcKestrelOptions? limits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        limits ??= new GrpcKestrelOptions();
        var http2 = options.Limits.Http2;
        http2.MaxStreamsPerConnection = Math.Max(Math.Max(limits.MaxStreamsPerConnection, MinStreamsPerConnection), http2.MaxStreamsPerConnection);
        http2.InitialConnectionWindowSize = Math.Max(limits.InitialConnectionWindowSize, http2.InitialConnectionWindowSize);
        http2.InitialStreamWindowSize = Math.Max(limits.InitialStreamWindowSize, http2.InitialStreamWindowSize);
    }

    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps, aggregates included) says the listen address is taken, so
    /// a host can print one line naming the port instead of a stack trace. Kestrel reports it as an IOException
    /// ("Failed to bind to address ...: address already in use") around an AddressInUseException around the
    /// SocketException.
    /// </summary>
    public static bool IsAddressInUse(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException aggregate)
        {
            return aggregate.InnerExceptions.Any(IsAddressInUse);
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException
                || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || (e is IOException && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            if (e.InnerException is AggregateException inner)
            {
                return IsAddressInUse(inner);
            }
        }

        return false;
    }
}
