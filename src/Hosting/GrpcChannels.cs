using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Hosting.Tls;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Hosting;

/// <summary>Builds Grpc.Net.Client channels the same way in the router, LoadGen, the benchmarks and the tests.</summary>
public static class GrpcChannels
{
    /// <summary>The scheme of addresses resolved by grpc-dotnet's DNS resolver: <c>dns:///host:port</c>.</summary>
    public const string DnsScheme = "dns";

    /// <summary>
    /// A channel to <paramref name="address"/> with <paramref name="settings"/>: http:// for h2c, https:// for TLS, or
    /// <c>dns:///host:port</c> (h2c) for a name with several addresses, such as a Kubernetes headless Service, whose
    /// addresses are all connected and taken round-robin, call by call.
    /// </summary>
    public static GrpcChannel Create(string address, GrpcClientSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        settings ??= new GrpcClientSettings();
        var handler = settings.HttpHandler ?? CreateHandler(settings);
        if (settings.ConnectOnDemand && settings.HttpHandler is null && !IsDnsAddress(address))
        {
            // A channel whose handler already has a ConnectCallback does not manage connections itself (grpc-dotnet's
            // documented rule); this one connects as SocketsHttpHandler would on its own.
            ((SocketsHttpHandler)handler).ConnectCallback = ConnectAsync;
        }

        var options = new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = settings.HttpHandler is null,
            MaxReceiveMessageSize = settings.MaxReceiveMessageSize,
            MaxSendMessageSize = settings.MaxSendMessageSize,
        };
        if (IsDnsAddress(address))
        {
            ConfigureDnsBalancing(options, settings);
        }

        return GrpcChannel.ForAddress(address, options);
    }

    /// <summary>Whether <paramref name="address"/> names grpc-dotnet's DNS resolver (<c>dns:///host:port</c>).</summary>
    public static bool IsDnsAddress(string address) =>
        address.StartsWith(DnsScheme + ":", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureDnsBalancing(GrpcChannelOptions options, GrpcClientSettings settings)
    {
        // The default pick_first would send every call to the first address of the name; round_robin keeps a
        // connection to each address (each pod behind a headless Service) and spreads the calls over those ready.
        options.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        // A scheme other than http(s) says nothing about TLS: the workers listen on cleartext HTTP/2 (h2c).
        options.Credentials = ChannelCredentials.Insecure;
        // The resolver's default never re-resolves a healthy name, so pods added by a scale-up would not be seen.
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new DnsResolverFactory(settings.DnsRefreshInterval));
        options.ServiceProvider = services.BuildServiceProvider();
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
