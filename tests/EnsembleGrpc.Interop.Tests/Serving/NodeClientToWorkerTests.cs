namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>Node's @grpc/grpc-js (pure JS, tests/interop/node/client.js) against a real worker.</summary>
[Collection(ServingCollection.Name)]
public sealed class NodeClientToWorkerTests(ServingCluster cluster) : PeerClientToWorkerTests(cluster, ServingCluster.Peer.Node);
