namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// One ensemble strategy, chosen by <see cref="Name"/> in the routing file (like YARP's load-balancing policies).
/// Implementations are stateless singletons that own their parameters: <see cref="Prepare"/> reads and checks the
/// arm's <c>parameters</c> once when the config loads, and <see cref="Aggregate"/> finds the result on the arm.
/// They see only validated outputs and only when every member of the arm answered; they return failures as values.
/// </summary>
public interface IAggregationStrategy
{
    /// <summary>The name in the routing file and in the <c>ensemble_strategy</c> parameter, lower case.</summary>
    string Name { get; }

    /// <summary>
    /// Called once per arm at config load, never per request: checks the arm's parameters and resolves what the
    /// strategy needs (which may read the model repository or load a model). Problems are returned, each prefixed
    /// with its config path; a config with any is rejected (at start-up) or not swapped in (on reload).
    /// </summary>
    StrategyPreparation Prepare(StrategyContext context);

    AggregationResult Aggregate(AggregationInput input);
}
