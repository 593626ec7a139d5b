using EnsembleGrpc.Router.Ensemble.Strategies.Bagging;
using EnsembleGrpc.Router.Ensemble.Strategies.Best;
using EnsembleGrpc.Router.Ensemble.Strategies.Boosting;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Ensemble.Strategies.Vote;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// The registered strategies by name (case-insensitive): the validator checks an arm's strategy against
/// <see cref="Names"/>, the model builder asks the strategy to prepare the arm, the executor to aggregate.
/// </summary>
public sealed class AggregationStrategies
{
    private readonly Dictionary<string, IAggregationStrategy> _byName;

    public AggregationStrategies(IEnumerable<IAggregationStrategy> strategies)
    {
        _byName = new Dictionary<string, IAggregationStrategy>(StringComparer.OrdinalIgnoreCase);
        foreach (var strategy in strategies)
        {
            if (!_byName.TryAdd(strategy.Name, strategy))
            {
                throw new InvalidOperationException($"Two aggregation strategies are registered as '{strategy.Name}'.");
            }
        }

        if (!_byName.ContainsKey(StrategyNames.Bagging))
        {
            throw new InvalidOperationException("The bagging strategy must be registered: it is the fallback.");
        }
    }

    /// <summary>The registered names, in registration order.</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IAggregationStrategy Bagging => _byName[StrategyNames.Bagging];

    /// <summary>
    /// The five built-in strategies and then <paramref name="more"/> (e.g. a test's own), for tests and tools that
    /// need no DI container. Without <paramref name="metaModelLoader"/>, preparing a stacking arm reports that no
    /// loader is available (aggregating with prepared parameters works).
    /// </summary>
    public static AggregationStrategies CreateDefault(IMetaModelLoader? metaModelLoader = null, params IEnumerable<IAggregationStrategy> more) => new(
    [
        new BaggingStrategy(),
        new BoostingStrategy(),
        new StackingStrategy(metaModelLoader ?? UnavailableMetaModelLoader.Instance),
        new VoteStrategy(),
        new BestStrategy(),
        .. more,
    ]);

    public bool TryGet(string name, out IAggregationStrategy strategy) => _byName.TryGetValue(name, out strategy!);
}
