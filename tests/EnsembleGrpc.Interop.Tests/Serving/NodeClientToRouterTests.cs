namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>Node's @grpc/grpc-js (pure JS, tests/interop/node/client.js) against a real router.</summary>
[Collection(ServingCollection.Name)]
public sealed class NodeClientToRouterTests(ServingCluster cluster) : PeerClientToRouterTests(cluster, ServingCluster.Peer.Node)
{
}
