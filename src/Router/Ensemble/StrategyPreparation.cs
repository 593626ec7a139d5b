using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>The outcome of <see cref="IAggregationStrategy.Prepare"/>: the arm's parameters, or every problem found.</summary>
public sealed record StrategyPreparation
{
    private StrategyPreparation(IStrategyParameters? parameters, IReadOnlyList<string> errors)
    {
        Parameters = parameters;
        Errors = errors;
    }

    /// <summary>What the strategy stores on the arm; null for a strategy that takes no parameters.</summary>
    public IStrategyParameters? Parameters { get; }

    /// <summary>Problems, each starting with its config path; empty when prepared.</summary>
    public IReadOnlyList<string> Errors { get; }

    public bool Succeeded => Errors.Count == 0;

    public static StrategyPreparation Prepared(IStrategyParameters? parameters) => new(parameters, []);

    public static StrategyPreparation Failed(IReadOnlyList<string> errors) =>
        errors.Count > 0 ? new(null, errors) : throw new ArgumentException("A failed preparation needs at least one error.", nameof(errors));
}
