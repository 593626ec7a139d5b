namespace EnsembleGrpc.Grpc.Tests.Functional;

/// <summary>Allocation measurements read a process-wide counter: they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(ClientAllocationTests), DisableParallelization = true)]
public sealed class ClientAllocationCollection
{
}
