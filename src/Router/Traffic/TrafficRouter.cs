using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// The experiment around one request once its arm is chosen: run the arm, record the arm with the request id and the
/// outcome in the statistics, and give the shadow its copy (with the primary's member outputs when the shadow arm's
/// members are the primary's, so that the shadow needs no worker call at all).
/// </summary>
public sealed partial class TrafficRouter(
    EnsembleExecutor executor,
    ShadowDispatcher shadow,
    TrafficStatistics statistics,
    RequestLedger ledger,
    Random random,
    TimeProvider timeProvider,
    ILogger<TrafficRouter> logger)
{
    public async Task<RoutedResult> RouteAsync(EnsembleModel ensemble, ArmModel arm, ModelInput input, string requestId, CancellationToken cancellationToken)
    {
        long started = timeProvider.GetTimestamp();
        var result = await executor.ExecuteAsync(ensemble, arm, input, CallLane.Primary, cancellationToken).ConfigureAwait(false);
        var latency = timeProvider.GetElapsedTime(started);

        // A rejection blames the request, not the worker that found it bad.
        foreach (var outcome in result.Outcomes)
        {
            if (!outcome.Succeeded && outcome.Failure != MemberFailureKind.Cancelled && !outcome.Failure.IsCallerBlamed())
            {
                statistics.RecordMemberFailure(ensemble.Name, outcome.Member);
            }
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
            ledger.Record(requestId, ensemble.Name, arm.Name, result.Strategy!, result.Predictions!);
            if (result.Fallback)
            {
                Log.Fallback(logger, requestId, ensemble.Name, arm.Name, result.Detail ?? "");
            }
            else
            {
                Log.Served(logger, requestId, ensemble.Name, arm.Name, result.Strategy!);
            }
            if (ensemble.Shadow is { } shadowModel && shadowModel.Arm.Name != arm.Name && ShadowDispatcher.ShouldSample(shadowModel, random))
            {
                shadow.TryEnqueue(new ShadowWorkItem(requestId, ensemble, shadowModel.Arm, input, result.Predictions!, SharedOutcomes(shadowModel.Arm, result)), shadowModel);
            }
        }
        else
        {
            Log.Unavailable(logger, requestId, ensemble.Name, arm.Name, result.Detail ?? result.Message ?? "");
        }

        return new RoutedResult(arm, result, latency);
    }

    /// <summary>The primary's member outcomes in the shadow arm's member order, when it has them all; else null (the shadow calls its members).</summary>
    internal static MemberOutcome[]? SharedOutcomes(ArmModel shadowArm, EnsembleResult primary)
    {
        var shared = new MemberOutcome[shadowArm.Members.Count];
        for (int i = 0; i < shared.Length; i++)
        {
            var outcome = FindOutcome(primary.Outcomes, shadowArm.Members[i].Name);
            if (outcome is null)
            {
                return null;
            }

            shared[i] = outcome;
        }

        return shared;
    }

    private static MemberOutcome? FindOutcome(IReadOnlyList<MemberOutcome> outcomes, string member)
    {
        foreach (var outcome in outcomes)
        {
            if (string.Equals(outcome.Member, member, StringComparison.Ordinal))
            {
                return outcome;
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, EventName = "RequestServed", Level = LogLevel.Debug, Message = "Request {RequestId} of '{Ensemble}' served by arm '{Arm}' with {Strategy}.")]
        public static partial void Served(ILogger logger, string requestId, string ensemble, string arm, string strategy);

        [LoggerMessage(EventId = 403, EventName = "RequestFallback", Level = LogLevel.Debug, Message = "Request {RequestId} of '{Ensemble}' arm '{Arm}' answered by the bagging fallback: {Detail}")]
        public static partial void Fallback(ILogger logger, string requestId, string ensemble, string arm, string detail);

        [LoggerMessage(EventId = 401, EventName = "RequestUnavailable", Level = LogLevel.Warning, Message = "Request {RequestId} of '{Ensemble}' arm '{Arm}' got no answer: {Message}")]
        public static partial void Unavailable(ILogger logger, string requestId, string ensemble, string arm, string message);

        [LoggerMessage(EventId = 402, EventName = "RequestRejected", Level = LogLevel.Debug, Message = "Request {RequestId} of '{Ensemble}' arm '{Arm}' was rejected as invalid: {Message}")]
        public static partial void Rejected(ILogger logger, string requestId, string ensemble, string arm, string message);
    }
}
