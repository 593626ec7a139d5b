namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// One ensemble's arms (with the weights routed by now), its shadow when it has one, its members' endpoints, and its
/// rollout (canary) when one was ever started.
/// </summary>
public sealed record PageEnsembleStatistics(
    string Name,
    IReadOnlyList<PageArmStatistics> Arms,
    PageShadowStatistics? Shadow,
    IReadOnlyList<PageMemberStatistics> Members,
    PageRollout? Rollout = null);
