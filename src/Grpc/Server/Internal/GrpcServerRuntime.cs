using EnsembleGrpc.Grpc.Internal;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// What every call handler of a mapped service shares, resolved once at map time: the options snapshot, the logger and
/// the clock. Keeps DI and options lookups off the per-call path.
/// </summary>
internal sealed class GrpcServerRuntime(GrpcServerOptions options, ILogger logger, TimeProvider timeProvider)
{
    public GrpcServerOptions Options { get; } = options;

    /// <summary>The receive limit with "unlimited" as int.MaxValue, so the framing check is a single compare.</summary>
    public int MaxReceiveMessageSize { get; } = options.MaxReceiveMessageSize ?? int.MaxValue;

    public int? MaxSendMessageSize { get; } = options.MaxSendMessageSize;

    public bool EnableDetailedErrors { get; } = options.EnableDetailedErrors;

    /// <summary>True when responses should be gzip-compressed for clients that accept it.</summary>
    public bool CompressResponses { get; } = string.Equals(options.ResponseCompressionAlgorithm, GrpcProtocolConstants.GzipEncoding, StringComparison.Ordinal);

    public ILogger Logger { get; } = logger;

    public TimeProvider TimeProvider { get; } = timeProvider;
}
