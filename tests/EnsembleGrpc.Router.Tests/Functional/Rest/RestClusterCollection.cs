namespace EnsembleGrpc.Router.Tests.Functional.Rest;

[CollectionDefinition(Name)]
public sealed class RestClusterCollection : ICollectionFixture<RestCluster>
{
    public const string Name = "rest cluster";
}
