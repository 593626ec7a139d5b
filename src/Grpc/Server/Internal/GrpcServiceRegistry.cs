using System.Collections.Concurrent;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// Per-host record of the services mapped so far (one DI singleton): the UNIMPLEMENTED catch-all uses it to tell an
/// unknown service from an unknown method, and it makes sure the catch-all is mapped only once.
/// </summary>
internal sealed class GrpcServiceRegistry
{
    private readonly ConcurrentDictionary<string, byte> _services = new(StringComparer.Ordinal);
    private int _fallbackMapped;

    /// <summary>The runtime shared by every service of this host, created on the first map.</summary>
    public GrpcServerRuntime? Runtime { get; set; }

    public void AddService(string serviceName) => _services.TryAdd(serviceName, 0);

    public bool IsKnownService(string serviceName) => _services.ContainsKey(serviceName);

    /// <summary>True for the first caller only.</summary>
    public bool TryClaimFallback() => Interlocked.Exchange(ref _fallbackMapped, 1) == 0;
}
