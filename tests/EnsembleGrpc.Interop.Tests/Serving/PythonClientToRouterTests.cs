namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>python grpcio (C-core, tests/interop/inference_client.py) against a real router.</summary>
[Collection(ServingCollection.Name)]
public sealed class PythonClientToRouterTests(ServingCluster cluster) : PeerClientToRouterTests(cluster, ServingCluster.Peer.Python)
{
}
