using System.Net;
using EnsembleGrpc.Hosting.Tls;
using Grpc.Net.Client;

namespace EnsembleGrpc.Hosting;

/// <summary>Builds Grpc.Net.Client channels the same way in the router, LoadGen, the benchmarks and the tests.</summary>
public static class GrpcChannels
{
    /// <summary>A channel to <paramref name="address"/> (http:// for h2c, https:// for TLS) with <paramref name="settings"/>.</summary>
    public static GrpcChannel Create(string address, GrpcClientSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        settings ??= new GrpcClientSettings();
        var handler = settings.HttpHandler ?? CreateHandler(settings);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = settings.HttpHandler is null,
            MaxReceiveMessageSize = settings.MaxReceiveMessageSize,
            MaxSendMessageSize = settings.MaxSendMessageSize,
        });
    }

    /// <summary>The SocketsHttpHandler behind <see cref="Create"/>: HTTP/2 tuned for long-lived, busy channels.</summary>
    public static SocketsHttpHandler CreateHandler(GrpcClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = settings.EnableMultipleHttp2Connections,
            KeepAlivePingDelay = settings.KeepAlivePingDelay,
            KeepAlivePingTimeout = settings.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = settings.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            // gRPC never redirects and carries no cookies: without these two, SocketsHttpHandler leaves its redirect
            // and cookie handlers out of every call's path (they showed in the router's profile, three times per request).
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (settings.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        if (settings.TrustedAuthorities is { } authorities)
        {
            // Chain validation against these authorities alone; SslStream still checks the host name.
            handler.SslOptions.CertificateChainPolicy = TlsCertificates.ChainPolicy(authorities);
        }

        return handler;
    }
}
