using System.Collections.Concurrent;
using EnsembleGrpc.Router.Resilience.Ejection;
using EnsembleGrpc.Router.Workers;
using Polly.CircuitBreaker;
using Polly;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// The mutable runtime state of one worker endpoint: its resilience pipeline (circuit breaker around a timeout), the
/// breaker's state, calls in flight (for power-of-two-choices) and outcome counters (for statistics).
/// </summary>
public sealed class EndpointState
{
    private readonly ConcurrentDictionary<string, long> _failuresByKind = new(StringComparer.Ordinal);
    private long _successes;
    private int _inFlight;

    public EndpointState(string address, EndpointSettings settings, ResiliencePipeline<WorkerReply> pipeline, CircuitBreakerStateProvider breaker, int latencyWindow = 32, TimeProvider? time = null)
    {
        Ejection = new EjectionState(latencyWindow, time ?? TimeProvider.System);
        Address = address;
        Settings = settings;
        Pipeline = pipeline;
        Breaker = breaker;
    }

    public string Address { get; }

    public EndpointSettings Settings { get; }

    public ResiliencePipeline<WorkerReply> Pipeline { get; }

    public CircuitBreakerStateProvider Breaker { get; }

    public CircuitState BreakerState => Breaker.CircuitState;

    /// <summary>Whether it is ejected as an outlier (<see cref="OutlierDetector"/>), its recent latencies and failures in a row.</summary>
    public EjectionState Ejection { get; }

    /// <summary>Closed or half-open: worth sending a call to (half-open lets one probe through).</summary>
    public bool IsHealthy => BreakerState is CircuitState.Closed or CircuitState.HalfOpen;

    /// <summary>Healthy and not held out as an outlier (one whose ejection is up is a candidate: its next call probes it).</summary>
    public bool IsAvailable => IsHealthy && !Ejection.IsHeld;

    public int InFlight => Volatile.Read(ref _inFlight);

    public long Successes => Interlocked.Read(ref _successes);

    public long Failures => _failuresByKind.Values.Sum();

    public IReadOnlyDictionary<string, long> FailuresByKind => new Dictionary<string, long>(_failuresByKind);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public void RecordSuccess() => Interlocked.Increment(ref _successes);

    public void RecordFailure(string kind) => _failuresByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
