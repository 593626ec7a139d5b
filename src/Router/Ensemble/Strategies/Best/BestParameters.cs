using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Best;

/// <summary>best: the arm's member with the highest validation accuracy, chosen when the config loads.</summary>
public sealed record BestParameters : IStrategyParameters
{
    public required string Member { get; init; }
}
