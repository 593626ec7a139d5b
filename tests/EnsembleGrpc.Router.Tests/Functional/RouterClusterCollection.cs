namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>The functional tests share one cluster and run one after another (they measure latency and kill workers).</summary>
[CollectionDefinition(Name)]
public sealed class RouterClusterCollection : ICollectionFixture<RouterCluster>
{
    public const string Name = "router cluster";
}
