namespace EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

/// <summary>Tests that count the process's threads or memory run alone, so other tests cannot disturb the counts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process-wide measurements)";
}
