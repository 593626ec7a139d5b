using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Boosting;

/// <summary>boosting: the arm's member weights, normalised to sum 1, aligned with the arm's members.</summary>
public sealed record BoostingParameters : IStrategyParameters
{
    public required IReadOnlyList<double> Weights { get; init; }
}
