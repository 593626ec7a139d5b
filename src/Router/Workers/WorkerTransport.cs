using EnsembleGrpc.Hosting;

namespace EnsembleGrpc.Router.Workers;

/// <summary>
/// How the router's channels to workers are built: <see cref="Settings"/> carries, for https:// endpoints, the
/// authorities the workers' certificates must chain to and the client certificate presented for mutual TLS.
/// http:// endpoints (h2c) ignore both. Default: plain settings, the machine's trust store, no client certificate.
/// </summary>
public sealed record WorkerTransport(GrpcClientSettings Settings)
{
    public static WorkerTransport Default { get; } = new(new GrpcClientSettings());
}
