using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Experiments;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Traffic.Feedback;

/// <summary>
/// Scores the true labels of an answered request against what its arm predicted (from the <see cref="RequestLedger"/>),
/// once per request, and adds the result to the arm's online accuracy: in memory and in the
/// <see cref="IExperimentStore"/>, so it survives a restart. Among replicas sharing a store, labels for a request
/// another replica answered go to it through the <see cref="IFeedbackRelay"/> (<see cref="FeedbackRelayPump"/>).
/// </summary>
public sealed partial class FeedbackScorer(
    RequestLedger ledger, TrafficStatistics statistics, IExperimentStore store, IFeedbackRelay relay, TimeProvider time, ILogger<FeedbackScorer> logger)
{
    public FeedbackOutcome Score(string requestId, IReadOnlyList<int> labels)
    {
        if (ledger.Find(requestId) is not { } entry)
        {
            return relay.Enabled ? Forward(requestId, labels) : Unknown(requestId);
        }

        return Score(entry, labels);
    }

    /// <summary>Scores labels another replica received for a request this one answered (an error if it forgot it meanwhile, or they do not fit it).</summary>
    public FeedbackOutcome ScoreForwarded(ForwardedFeedback forwarded)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        return ledger.Find(forwarded.RequestId) is { } entry ? Score(entry, forwarded.Labels) : Unknown(forwarded.RequestId);
    }

    private FeedbackOutcome Score(LedgerEntry entry, IReadOnlyList<int> labels)
    {
        string requestId = entry.RequestId;
        if (labels.Count != entry.Predictions.Length)
        {
            return FeedbackOutcome.Failed(FeedbackError.WrongLabelCount, $"request '{requestId}' had {entry.Predictions.Length} row(s); got {labels.Count} label(s).");
        }

        if (!AreClasses(labels))
        {
            return FeedbackOutcome.Failed(FeedbackError.LabelOutOfRange, $"labels must be in 0..{OutputValidator.Classes - 1}.");
        }

        if (!ledger.TryMarkScored(requestId))
        {
            return FeedbackOutcome.Failed(FeedbackError.AlreadyScored, $"feedback for request '{requestId}' was already submitted.");
        }

        int rows = entry.Predictions.Length;
        int correct = 0;
        for (int i = 0; i < rows; i++)
        {
            if (entry.Predictions[i] == labels[i])
            {
                correct++;
            }
        }

        Persist(entry.Ensemble, entry.Arm, rows, correct);
        var counters = statistics.Arm(entry.Ensemble, entry.Arm);
        counters.RecordFeedback(rows, correct);
        return new FeedbackOutcome { Ensemble = entry.Ensemble, Arm = entry.Arm, Correct = correct, Total = rows, ArmOnlineAccuracy = counters.OnlineAccuracy };
    }

    private FeedbackOutcome Forward(string requestId, IReadOnlyList<int> labels)
    {
        // The row count is the answering replica's to check; the range is anyone's.
        if (labels.Count == 0 || !AreClasses(labels))
        {
            return FeedbackOutcome.Failed(FeedbackError.LabelOutOfRange, $"labels must be one or more, each in 0..{OutputValidator.Classes - 1}.");
        }

        return relay.Forward(requestId, labels, time.GetUtcNow())
            ? new FeedbackOutcome { Forwarded = true, Total = labels.Count }
            : FeedbackOutcome.Failed(FeedbackError.AlreadyScored, $"feedback for request '{requestId}' was already submitted (it waits for the replica that answered the request).");
    }

    private static bool AreClasses(IReadOnlyList<int> labels) => labels.All(l => l >= 0 && l < OutputValidator.Classes);

    private static FeedbackOutcome Unknown(string requestId) =>
        FeedbackOutcome.Failed(FeedbackError.UnknownRequest, $"request '{requestId}' is unknown or already forgotten (the router keeps the most recent {RequestLedger.DefaultCapacity} by default).");

    private void Persist(string ensemble, string arm, int rows, int correct)
    {
        try
        {
            // Admin path, not inference: a synchronous write keeps the totals across a restart.
            store.AddFeedback(ensemble, arm, rows, correct);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The request is already marked scored, so a retry would be refused: count it in memory at least, and say
            // that these rows will not survive a restart.
            Log.FeedbackNotStored(logger, ex, ensemble, arm, rows);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 420, EventName = "FeedbackNotStored", Level = LogLevel.Error, Message = "Feedback for arm '{Arm}' of '{Ensemble}' ({Rows} row(s)) could not be stored; it counts until the router restarts.")]
        public static partial void FeedbackNotStored(ILogger logger, Exception exception, string ensemble, string arm, int rows);
    }
}
