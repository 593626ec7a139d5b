namespace EnsembleGrpc.Router.Tests.Processes;

/// <summary>The tests that share one <see cref="ProcessCluster"/>; they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessClusterCollection : ICollectionFixture<ProcessCluster>
{
    public const string Name = "process cluster";
}
