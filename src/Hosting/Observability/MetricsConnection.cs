namespace EnsembleGrpc.Hosting.Observability;

/// <summary>
/// A connection feature that marks connections of the metrics listener, so <c>/metrics</c> answers there and nowhere
/// else (not on the gRPC port, nor on any other HTTP/1.1 listener a host adds).
/// </summary>
public sealed class MetricsConnection
{
    public static readonly MetricsConnection Instance = new();

    private MetricsConnection()
    {
    }
}
