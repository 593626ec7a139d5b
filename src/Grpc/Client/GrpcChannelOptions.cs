using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EnsembleGrpc.Grpc.Internal;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>
/// How a <see cref="GrpcChannel"/> connects and what it accepts. Every property has a documented default;
/// <see cref="Validate"/> (called by <see cref="GrpcChannel.ForAddress(string, GrpcChannelOptions?)"/>) reports every
/// invalid value at once.
/// </summary>
public sealed class GrpcChannelOptions
{
    /// <summary>The most connections a channel may be asked to spread calls over.</summary>
    public const int MaxConnections = 64;

    /// <summary>
    /// HTTP/2 connections the channel opens and uses round-robin, one call at a time. Default 1. More than one spreads
    /// load over several server connections (and several client I/O loops) instead of relying on
    /// <c>EnableMultipleHttp2Connections</c>, which only adds a connection once the streams of the first run out.
    /// </summary>
    public int Connections { get; set; } = 1;

    /// <summary>Largest response message accepted, in bytes (after decompression); null for no limit. Default 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocolConstants.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent, in bytes (before compression); null for no limit (the default).</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Idle time before an HTTP/2 PING checks that a connection is alive. Default 60 s; <see cref="TimeSpan.Zero"/> or
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns pings off. Otherwise at least one second.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a PING may go unanswered before the connection is closed. Default 20 s; at least one second.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Whether to ping only while calls are running (the default, <see cref="HttpKeepAlivePingPolicy.WithActiveRequests"/>)
    /// or always. Many servers (gRPC C-core included) answer frequent pings on idle connections with GOAWAY.
    /// </summary>
    public HttpKeepAlivePingPolicy KeepAlivePingPolicy { get; set; } = HttpKeepAlivePingPolicy.WithActiveRequests;

    /// <summary>Time allowed to open a connection (TCP and TLS). Default 15 s; <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Compression of request messages: null or "identity" (the default) sends them as they are; "gzip" compresses them
    /// and sends <c>grpc-encoding: gzip</c>. Responses are always accepted in identity or gzip.
    /// </summary>
    public string? RequestCompression { get; set; }

    /// <summary>Client certificates offered on TLS connections (https addresses only).</summary>
    public X509CertificateCollection? ClientCertificates { get; set; }

    /// <summary>Custom server certificate validation for TLS (https addresses only); null for the platform's default.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }

    /// <summary>
    /// How many times a call is sent again when the server refused its HTTP/2 stream (REFUSED_STREAM) before
    /// processing it and sent no response headers. Default 3; 0 turns it off.
    /// </summary>
    public int MaxRetryAttemptsOnRefusedStream { get; set; } = 3;

    /// <summary>The clock for deadlines; tests inject a fake one. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Replaces the channel's own <see cref="SocketsHttpHandler"/>s, for unit tests with a fake handler. When set,
    /// <see cref="Connections"/> must be 1 and the socket and TLS options above are not used.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Whether disposing the channel disposes an injected <see cref="HttpMessageHandler"/>. Default false.</summary>
    public bool DisposeHttpMessageHandler { get; set; }

    /// <summary>Optional logging (call failures and retries at Debug level); null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Throws an <see cref="ArgumentException"/> that lists every invalid option, or returns when all are valid.</summary>
    public void Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid gRPC channel options: " + string.Join(" ", errors));
        }
    }

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (Connections is < 1 or > MaxConnections)
        {
            errors.Add($"Connections must be between 1 and {MaxConnections} (was {Connections}).");
        }

        if (MaxReceiveMessageSize is < 0)
        {
            errors.Add($"MaxReceiveMessageSize must not be negative (was {MaxReceiveMessageSize}).");
        }

        if (MaxSendMessageSize is < 0)
        {
            errors.Add($"MaxSendMessageSize must not be negative (was {MaxSendMessageSize}).");
        }

        if (!IsOffOrAtLeastOneSecond(KeepAlivePingDelay, allowZero: true))
        {
            errors.Add($"KeepAlivePingDelay must be zero or infinite (off) or at least 1 second (was {KeepAlivePingDelay}).");
        }

        if (!IsOffOrAtLeastOneSecond(KeepAlivePingTimeout, allowZero: false))
        {
            errors.Add($"KeepAlivePingTimeout must be infinite or at least 1 second (was {KeepAlivePingTimeout}).");
        }

        if (ConnectTimeout != Timeout.InfiniteTimeSpan && ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ConnectTimeout must be positive or infinite (was {ConnectTimeout}).");
        }

        if (RequestCompression is not null and not GrpcProtocolConstants.IdentityEncoding and not GrpcProtocolConstants.GzipEncoding)
        {
            errors.Add($"RequestCompression must be null, \"identity\" or \"gzip\" (was \"{RequestCompression}\").");
        }

        if (MaxRetryAttemptsOnRefusedStream is < 0 or > 10)
        {
            errors.Add($"MaxRetryAttemptsOnRefusedStream must be between 0 and 10 (was {MaxRetryAttemptsOnRefusedStream}).");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must not be null.");
        }

        if (HttpMessageHandler is not null)
        {
            if (Connections != 1)
            {
                errors.Add($"Connections must be 1 when an HttpMessageHandler is injected (was {Connections}).");
            }

            if (ClientCertificates is not null || RemoteCertificateValidation is not null)
            {
                errors.Add("ClientCertificates and RemoteCertificateValidation cannot be applied to an injected HttpMessageHandler; configure the handler instead.");
            }
        }

        return errors;
    }

    internal bool CompressRequests => RequestCompression == GrpcProtocolConstants.GzipEncoding;

    internal bool KeepAlivePingsEnabled => KeepAlivePingDelay != TimeSpan.Zero && KeepAlivePingDelay != Timeout.InfiniteTimeSpan;

    private static bool IsOffOrAtLeastOneSecond(TimeSpan value, bool allowZero) =>
        value == Timeout.InfiniteTimeSpan || (allowZero && value == TimeSpan.Zero) || value >= TimeSpan.FromSeconds(1);
}
