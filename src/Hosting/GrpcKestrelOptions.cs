namespace EnsembleGrpc.Hosting;

/// <summary>HTTP/2 limits that <see cref="GrpcKestrel"/> applies to Kestrel for gRPC traffic.</summary>
public sealed class GrpcKestrelOptions
{
    /// <summary>
    /// Concurrent streams (calls) per connection. Default 256; never set below 100 (Kestrel's default), because a client
    /// multiplexing more calls than this gets REFUSED_STREAM or queues.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 256;

    /// <summary>
    /// Connection-level receive window. Default 8 MiB: with Kestrel's 1 MiB default a 4 MiB request needs several
    /// WINDOW_UPDATE round trips, and concurrent large calls share this window.
    /// </summary>
    public int InitialConnectionWindowSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Per-stream receive window. Default 4 MiB + 5 bytes: one maximal message (with its prefix) flows in one round trip.</summary>
    public int InitialStreamWindowSize { get; set; } = (4 * 1024 * 1024) + 5;
}
