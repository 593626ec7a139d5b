using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>
/// A gRPC channel to one address: HTTP/2 (h2c with prior knowledge for http://, TLS with ALPN for https://) over one
/// <see cref="SocketsHttpHandler"/> per connection, calls spread round-robin over the connections. Create one per
/// target and share it: it is thread-safe and holds the connections.
/// </summary>
/// <example><code>
/// using var channel = GrpcChannel.ForAddress("http://127.0.0.1:8001");
/// var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
/// </code></example>
public sealed class GrpcChannel : ChannelBase, IDisposable
{
    private readonly HttpMessageInvoker[] _invokers;
    private readonly string _baseAddress;
    // Keyed by the Method instance (reference equality): generated clients hold their Method objects in static fields.
    private readonly ConcurrentDictionary<IMethod, Uri> _methodUris = new();
    private readonly GrpcCallInvoker _callInvoker;
    private int _nextInvoker = -1;
    private volatile bool _disposed;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
        : base(address.Authority)
    {
        Address = address;
        Options = options;
        // A path base ("http://host/prefix") is kept: calls go to {base}{/service/method}.
        _baseAddress = address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        MaxReceiveMessageSize = options.MaxReceiveMessageSize ?? int.MaxValue;
        MaxSendMessageSize = options.MaxSendMessageSize ?? int.MaxValue;
        Logger = options.LoggerFactory?.CreateLogger<GrpcChannel>() ?? NullLogger<GrpcChannel>.Instance;

        if (options.HttpMessageHandler is { } injected)
        {
            _invokers = [new HttpMessageInvoker(injected, options.DisposeHttpMessageHandler)];
        }
        else
        {
            _invokers = new HttpMessageInvoker[options.Connections];
            for (var i = 0; i < _invokers.Length; i++)
            {
                _invokers[i] = new HttpMessageInvoker(CreateHandler(address, options), disposeHandler: true);
            }
        }

        _callInvoker = new GrpcCallInvoker(this);
    }

    /// <summary>The address calls go to.</summary>
    public Uri Address { get; }

    internal GrpcChannelOptions Options { get; }

    internal int MaxReceiveMessageSize { get; }

    internal int MaxSendMessageSize { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>Creates a channel for an "http://host:port" (h2c) or "https://host:port" (TLS) address.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return ForAddress(new Uri(address, UriKind.Absolute), options);
    }

    /// <summary>Creates a channel for an "http://host:port" (h2c) or "https://host:port" (TLS) address.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Address '{address}' must be an absolute http:// or https:// URI.", nameof(address));
        }

        options ??= new GrpcChannelOptions();
        options.Validate();
        if (address.Scheme == Uri.UriSchemeHttp && (options.ClientCertificates is not null || options.RemoteCertificateValidation is not null))
        {
            throw new ArgumentException($"Invalid gRPC channel options: TLS options are set but address '{address}' is not https.", nameof(options));
        }

        return new GrpcChannel(address, options);
    }

    public override CallInvoker CreateCallInvoker() => _callInvoker;

    /// <summary>Closes the connections; calls still running fail, new calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }

    /// <summary>The next connection, round-robin: one per call.</summary>
    internal HttpMessageInvoker NextInvoker()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var invokers = _invokers;
        if (invokers.Length == 1)
        {
            return invokers[0];
        }

        var i = (uint)Interlocked.Increment(ref _nextInvoker);
        return invokers[i % (uint)invokers.Length];
    }

    internal Uri GetMethodUri(IMethod method) =>
        _methodUris.GetOrAdd(method, static (m, baseAddress) => new Uri(baseAddress + m.FullName, UriKind.Absolute), _baseAddress);

    private static SocketsHttpHandler CreateHandler(Uri address, GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Streams beyond the server's limit open another connection rather than queueing.
            EnableMultipleHttp2Connections = true,
            // A channel's connections live as long as the channel: reconnecting costs a handshake and loses the window.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };

        if (options.KeepAlivePingsEnabled)
        {
            handler.KeepAlivePingDelay = options.KeepAlivePingDelay;
            handler.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            handler.KeepAlivePingPolicy = options.KeepAlivePingPolicy;
        }

        if (address.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                ClientCertificates = options.ClientCertificates,
                RemoteCertificateValidationCallback = options.RemoteCertificateValidation,
            };
        }

        return handler;
    }
}
