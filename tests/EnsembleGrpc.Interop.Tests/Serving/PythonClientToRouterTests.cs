namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>python grpcio (C-core, tests/interop/inference_client.py) against a real router.</summary>
[Collection(ServingCollection.Name)]
public sealed class PythonClientToRouterTests(ServingCluster cluster) : PeerClientToRouterTests(cluster, ServingCluster.Peer.Python)
{
    [Fact(Skip = TypedContentsSkip)]
    public override Task ModelInfer_with_typed_fp32_contents_gives_our_answers() => base.ModelInfer_with_typed_fp32_contents_gives_our_answers();
}
