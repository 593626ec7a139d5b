using Polly.CircuitBreaker;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>Stable snake_case names of breaker states for statistics.</summary>
public static class BreakerStates
{
    public static string ToKey(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        CircuitState.Isolated => "isolated",
        _ => "unknown",
    };
}
