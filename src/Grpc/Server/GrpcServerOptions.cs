namespace EnsembleGrpc.Grpc.Server;

/// <summary>
/// Server-wide gRPC settings, read once when services are mapped. Validated at startup
/// (<see cref="GrpcServerServiceCollectionExtensions.AddGrpcServer"/> registers the validator with ValidateOnStart),
/// so a bad value fails the host with every error listed instead of surfacing on the first call.
/// </summary>
public sealed class GrpcServerOptions
{
    /// <summary>Default for <see cref="MaxReceiveMessageSize"/>: 4 MiB, as grpc-dotnet and C-core.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Largest request message accepted, in bytes (checked from the 5-byte prefix before anything is buffered, and
    /// again after decompression). Default 4 MiB; null means unlimited. Larger messages end the call with
    /// RESOURCE_EXHAUSTED.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent, in bytes. Default null (unlimited). Larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// When true, a handler's unexpected exception is reported to the client with its type and message appended.
    /// Default false: internals never leak to clients, the details go to the log only.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// Compression for response messages: null or "identity" (default, none) or "gzip". Applied only when the
    /// client's <c>grpc-accept-encoding</c> lists it; a message written with <c>WriteFlags.NoCompress</c> stays plain.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>
    /// When true, no UNIMPLEMENTED catch-all is mapped: requests for unknown services fall through to the host's own
    /// routing (useful when another gRPC server shares the host). Default false.
    /// </summary>
    public bool IgnoreUnknownServices { get; set; }
}
