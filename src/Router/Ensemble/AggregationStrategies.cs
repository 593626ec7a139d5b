namespace EnsembleGrpc.Router.Ensemble;

/// <summary>The registered strategies by name (case-insensitive); the validator checks names against it.</summary>
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

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IAggregationStrategy Bagging => _byName[StrategyNames.Bagging];

    /// <summary>The five built-in strategies, for tests and tools that need no DI container.</summary>
    public static AggregationStrategies CreateDefault() =>
        new([new BaggingStrategy(), new BoostingStrategy(), new StackingStrategy(), new VoteStrategy(), new BestStrategy()]);

    public bool TryGet(string name, out IAggregationStrategy strategy) => _byName.TryGetValue(name, out strategy!);
}
