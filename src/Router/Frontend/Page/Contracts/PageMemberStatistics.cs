namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>A member's failures on primary requests and each of its endpoints.</summary>
public sealed record PageMemberStatistics(string Name, long Failures, IReadOnlyList<PageEndpointStatistics> Endpoints);
