using EnsembleGrpc.Router.Experiments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Traffic.Feedback;

/// <summary>
/// Every <see cref="FeedbackRelayOptions.IntervalMs"/>, takes from the <see cref="IFeedbackRelay"/> the labels other
/// replicas received for requests this one answered, and scores them (does nothing without a shared store).
/// </summary>
public sealed partial class FeedbackRelayPump(
    IFeedbackRelay relay, RequestLedger ledger, FeedbackScorer scorer, IOptions<FeedbackRelayOptions> options, TimeProvider time,
    ILogger<FeedbackRelayPump> logger) : BackgroundService
{
    /// <summary>One take: scores what this replica answered, drops what waited too long; returns how many it scored.</summary>
    public int Pump()
    {
        var (taken, dropped) = relay.Take(id => ledger.Find(id) is not null, time.GetUtcNow().AddSeconds(-options.Value.WaitSeconds));
        int scored = 0;
        foreach (var forwarded in taken)
        {
            var outcome = scorer.ScoreForwarded(forwarded);
            if (outcome.Succeeded)
            {
                scored++;
            }
            else
            {
                Log.ForwardedNotScored(logger, forwarded.RequestId, outcome.Message);
            }
        }

        if (dropped > 0)
        {
            Log.ForwardedDropped(logger, dropped, options.Value.WaitSeconds);
        }

        return scored;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!relay.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.IntervalMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Pump();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.PumpFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 421, EventName = "ForwardedFeedbackNotScored", Level = LogLevel.Warning, Message = "Feedback another replica received for request '{RequestId}' was not scored: {Reason}")]
        public static partial void ForwardedNotScored(ILogger logger, string requestId, string reason);

        [LoggerMessage(EventId = 422, EventName = "ForwardedFeedbackDropped", Level = LogLevel.Warning, Message = "{Count} forwarded feedback submission(s) waited {WaitSeconds} s and no replica knew their request; dropped.")]
        public static partial void ForwardedDropped(ILogger logger, int count, int waitSeconds);

        [LoggerMessage(EventId = 423, EventName = "FeedbackRelayFailed", Level = LogLevel.Error, Message = "Taking forwarded feedback from the shared store failed; the next take tries again.")]
        public static partial void PumpFailed(ILogger logger, Exception exception);
    }
}
