namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>python grpcio (C-core, tests/interop/inference_client.py) against a real worker.</summary>
[Collection(ServingCollection.Name)]
public sealed class PythonClientToWorkerTests(ServingCluster cluster) : PeerClientToWorkerTests(cluster, ServingCluster.Peer.Python);
