namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>The page's tests share one router, worker and browser, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PageClusterCollection : ICollectionFixture<PageCluster>
{
    public const string Name = "page cluster";
}
