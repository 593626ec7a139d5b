namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>One endpoint of a member, as GetStatistics shows it: breaker state (closed, open, half_open, isolated) and calls.</summary>
public sealed record PageEndpointStatistics(string Address, string BreakerState, long Successes, long Failures, int InFlight);
