namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>Node's @grpc/grpc-js (pure JS, tests/interop/node/client.js) against a real router.</summary>
[Collection(ServingCollection.Name)]
public sealed class NodeClientToRouterTests(ServingCluster cluster) : PeerClientToRouterTests(cluster, ServingCluster.Peer.Node)
{
    [Fact(Skip = TypedContentsSkip)]
    public override Task ModelInfer_with_typed_fp32_contents_gives_our_answers() => base.ModelInfer_with_typed_fp32_contents_gives_our_answers();
}
