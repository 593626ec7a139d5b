using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Model;

/// <summary>
/// Snapshot of one arm, with the per-arm parameters its strategy needs already resolved (boosting weights,
/// the best member, the loaded meta-model), so that nothing is computed or looked up per request.
/// </summary>
public sealed record ArmModel
{
    public required string Name { get; init; }

    /// <summary>The strategy's <see cref="Ensemble.IAggregationStrategy.Name"/>, lower case.</summary>
    public required string Strategy { get; init; }

    public required int Weight { get; init; }

    public required IReadOnlyList<MemberModel> Members { get; init; }

    /// <summary>boosting: normalised weights aligned with <see cref="Members"/>.</summary>
    public IReadOnlyList<double>? BoostingWeights { get; init; }

    /// <summary>best: the member with the best validation accuracy.</summary>
    public string? BestMember { get; init; }

    /// <summary>stacking: the meta-model and the member order of its input.</summary>
    public MetaModelModel? MetaModel { get; init; }
}
