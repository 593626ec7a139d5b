namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>The tests that share one PostgreSQL server (each in its own database); xunit runs them one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
