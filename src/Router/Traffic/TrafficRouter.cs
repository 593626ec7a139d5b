using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// The experiment around one request: choose the arm (the named strategy, else the weighted split, sticky by routing
/// key), run it, record the arm with the request id and the outcome in the statistics, and give the shadow its copy.
/// </summary>
public sealed partial class TrafficRouter(
    EnsembleExecutor executor,
    ShadowDispatcher shadow,
    TrafficStatistics statistics,
    RequestLedger ledger,
    ITrafficAssignment assignment,
    Random random,
    TimeProvider timeProvider,
    ILogger<TrafficRouter> logger)
{
    /// <summary>The arm for a request, or null with <paramref name="error"/> when the named strategy has no arm.</summary>
    public static ArmModel? SelectArm(EnsembleModel ensemble, string? strategy, string? routingKey, ITrafficAssignment assignment, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(strategy))
        {
            return assignment.Assign(ensemble, routingKey);
        }

        var arm = ensemble.FindArmByStrategy(strategy);
        if (arm is null)
        {
            var available = ensemble.Arms.Select(a => a.Strategy).Distinct();
            error = StrategyNames.All.Contains(strategy.ToLowerInvariant())
                ? $"ensemble '{ensemble.Name}' has no arm with strategy '{strategy}'; available: {string.Join(", ", available)}."
                : $"unknown ensemble_strategy '{strategy}'; strategies are {string.Join(", ", StrategyNames.All)} (this ensemble offers {string.Join(", ", available)}).";
        }

        return arm;
    }

    public ArmModel? SelectArm(EnsembleModel ensemble, string? strategy, string? routingKey, out string? error) =>
        SelectArm(ensemble, strategy, routingKey, assignment, out error);

    public async Task<RoutedResult> RouteAsync(EnsembleModel ensemble, ArmModel arm, ModelInput input, string requestId, CancellationToken cancellationToken)
    {
        long started = timeProvider.GetTimestamp();
        var result = await executor.ExecuteAsync(ensemble, arm, input, cancellationToken).ConfigureAwait(false);
        var latency = timeProvider.GetElapsedTime(started);

        // A rejection blames the request, not the worker that found it bad.
        foreach (var outcome in result.Outcomes.Where(o => !o.Succeeded && o.Failure != MemberFailureKind.Cancelled && !o.Failure.IsCallerBlamed()))
        {
            statistics.RecordMemberFailure(ensemble.Name, outcome.Member);
        }

        if (result.Kind == EnsembleResultKind.Cancelled)
        {
            // The caller left; nothing about the arm is learned from that.
            return new RoutedResult(arm, result, latency);
        }

        if (result.Kind == EnsembleResultKind.Rejected)
        {
            // The caller's fault: a rejection of the arm's statistics, not an error of the arm.
            statistics.Arm(ensemble.Name, arm.Name).RecordRejection(latency);
            Log.Rejected(logger, requestId, ensemble.Name, arm.Name, result.Message ?? "");
            return new RoutedResult(arm, result, latency);
        }

        statistics.Arm(ensemble.Name, arm.Name).RecordRequest(latency, result.Kind != EnsembleResultKind.Answered, result.Fallback ? result.FallbackCategories : null);
        if (result.Kind == EnsembleResultKind.Answered)
        {
            ledger.Record(new LedgerEntry(requestId, ensemble.Name, arm.Name, result.Strategy!, result.Predictions!));
            Log.Served(logger, requestId, ensemble.Name, arm.Name, result.Strategy!, result.Fallback);
            if (ensemble.Shadow is { } shadowModel && shadowModel.Arm.Name != arm.Name && ShadowDispatcher.ShouldSample(shadowModel, random))
            {
                shadow.TryEnqueue(new ShadowWorkItem(requestId, ensemble, shadowModel.Arm, input, result.Predictions!), shadowModel);
            }
        }
        else
        {
            Log.Unavailable(logger, requestId, ensemble.Name, arm.Name, result.Message ?? "");
        }

        return new RoutedResult(arm, result, latency);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, EventName = "RequestServed", Level = LogLevel.Debug, Message = "Request {RequestId} of '{Ensemble}' served by arm '{Arm}' with {Strategy} (fallback: {Fallback}).")]
        public static partial void Served(ILogger logger, string requestId, string ensemble, string arm, string strategy, bool fallback);

        [LoggerMessage(EventId = 401, EventName = "RequestUnavailable", Level = LogLevel.Warning, Message = "Request {RequestId} of '{Ensemble}' arm '{Arm}' got no answer: {Message}")]
        public static partial void Unavailable(ILogger logger, string requestId, string ensemble, string arm, string message);

        [LoggerMessage(EventId = 402, EventName = "RequestRejected", Level = LogLevel.Debug, Message = "Request {RequestId} of '{Ensemble}' arm '{Arm}' was rejected as invalid: {Message}")]
        public static partial void Rejected(ILogger logger, string requestId, string ensemble, string arm, string message);
    }
}
