namespace EnsembleGrpc.Router.Ensemble;

/// <summary>The strategy names of the routing file and of the <c>ensemble_strategy</c> request/response parameter.</summary>
public static class StrategyNames
{
    public const string Bagging = "bagging";
    public const string Boosting = "boosting";
    public const string Stacking = "stacking";
    public const string Vote = "vote";
    public const string Best = "best";

    public static readonly IReadOnlyList<string> All = [Bagging, Boosting, Stacking, Vote, Best];
}
