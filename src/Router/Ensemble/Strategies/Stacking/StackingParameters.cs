using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>stacking: the arm's loaded meta-model and the member order of its concatenated input.</summary>
public sealed record StackingParameters : IStrategyParameters
{
    /// <summary>The meta-model's name in the model repository.</summary>
    public required string Name { get; init; }

    public required IReadOnlyList<string> MemberOrder { get; init; }

    public required IMetaModel MetaModel { get; init; }
}
