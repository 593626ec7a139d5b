namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// The names of the built-in strategies (in the routing file and the <c>ensemble_strategy</c> request/response
/// parameter). What is accepted is whatever is registered: ask <see cref="AggregationStrategies.Names"/>.
/// </summary>
public static class StrategyNames
{
    public const string Bagging = "bagging";
    public const string Boosting = "boosting";
    public const string Stacking = "stacking";
    public const string Vote = "vote";
    public const string Best = "best";

    public static readonly IReadOnlyList<string> All = [Bagging, Boosting, Stacking, Vote, Best];
}
