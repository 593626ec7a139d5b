using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>What an endpoint's pipeline is built from; a change (by reload) rebuilds the pipeline.</summary>
public sealed record EndpointSettings(TimeSpan Timeout, BreakerModel Breaker);
