namespace EnsembleGrpc.Router.Ensemble;

/// <summary>A stacking meta-model loaded for an arm: its runner and the member order of its concatenated input.</summary>
public sealed record MetaModelModel
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> MemberOrder { get; init; }

    public required IMetaModel Runner { get; init; }
}
