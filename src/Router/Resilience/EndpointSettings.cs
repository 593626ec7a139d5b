using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>What an endpoint's pipeline is built from; a change (by reload) rebuilds the pipeline. The lane keeps the shadow's breakers apart.</summary>
public sealed record EndpointSettings(TimeSpan Timeout, BreakerModel Breaker, CallLane Lane = CallLane.Primary);
