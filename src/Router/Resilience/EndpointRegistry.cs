using System.Collections.Concurrent;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Resilience.Ejection;
using EnsembleGrpc.Router.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// One <see cref="EndpointState"/> (and so one resilience pipeline) per worker endpoint address and settings, shared
/// by every member and arm that uses the address with those settings, and kept across config reloads. Changed
/// timeout or breaker settings make a new pipeline (its breaker starts closed); ensembles with different settings for
/// the same address get a pipeline each rather than fighting over one.
/// </summary>
public sealed partial class EndpointRegistry(TimeProvider timeProvider, ILogger<EndpointRegistry> logger, IOptions<EjectionOptions>? ejection = null)
{
    private readonly int _latencyWindow = ejection?.Value.LatencyWindow ?? new EjectionOptions().LatencyWindow;

    private readonly ConcurrentDictionary<(string Address, EndpointSettings Settings), EndpointState> _states = new();

    public EndpointState Get(string address, EndpointSettings settings) =>
        _states.GetOrAdd((address, settings), static (key, self) => self.Create(key.Address, key.Settings), this);

    /// <summary>Every endpoint state made so far (a copy), for metrics.</summary>
    public IReadOnlyCollection<EndpointState> All => [.. _states.Values];

    /// <summary>The state of an address with these settings, when it was called (or resolved) at least once.</summary>
    public EndpointState? Find(string address, EndpointSettings settings) => _states.TryGetValue((address, settings), out var state) ? state : null;

    private EndpointState Create(string address, EndpointSettings settings)
    {
        var breaker = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<WorkerReply> { Name = address, TimeProvider = timeProvider }
            // The breaker is outermost so that it sees the timeout as TimeoutRejectedException (a worker failure) and
            // the caller's cancellation with the caller's own token, which WorkerFailures does not count.
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<WorkerReply>
            {
                FailureRatio = settings.Breaker.FailureRatio,
                MinimumThroughput = settings.Breaker.MinimumThroughput,
                SamplingDuration = settings.Breaker.SamplingDuration,
                BreakDuration = settings.Breaker.BreakDuration,
                StateProvider = breaker,
                ShouldHandle = static args => new ValueTask<bool>(WorkerFailures.IsWorkerFailure(args.Outcome, args.Context.CancellationToken)),
                OnOpened = args =>
                {
                    Log.BreakerOpened(logger, address, settings.Lane, args.BreakDuration.TotalMilliseconds);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    Log.BreakerHalfOpened(logger, address, settings.Lane);
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.BreakerClosed(logger, address, settings.Lane);
                    return default;
                },
            })
            .AddTimeout(settings.Timeout)
            .Build();
        return new EndpointState(address, settings, pipeline, breaker, _latencyWindow, timeProvider);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, EventName = "BreakerOpened", Level = LogLevel.Warning, Message = "Circuit breaker of worker {Endpoint} ({Lane} calls) opened for {BreakMs} ms.")]
        public static partial void BreakerOpened(ILogger logger, string endpoint, CallLane lane, double breakMs);

        [LoggerMessage(EventId = 301, EventName = "BreakerHalfOpened", Level = LogLevel.Information, Message = "Circuit breaker of worker {Endpoint} ({Lane} calls) is half-open: the next call probes it.")]
        public static partial void BreakerHalfOpened(ILogger logger, string endpoint, CallLane lane);

        [LoggerMessage(EventId = 302, EventName = "BreakerClosed", Level = LogLevel.Information, Message = "Circuit breaker of worker {Endpoint} ({Lane} calls) closed: the worker answers again.")]
        public static partial void BreakerClosed(ILogger logger, string endpoint, CallLane lane);
    }
}
