namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>Every test against the real workers and router shares one <see cref="ServingCluster"/>, one test at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServingCollection : ICollectionFixture<ServingCluster>
{
    public const string Name = "Independent clients against a real worker and router";
}
