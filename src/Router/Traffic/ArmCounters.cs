using System.Collections.Concurrent;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>The running counters of one arm (the mutable *State of YARP's vocabulary, without the name).</summary>
public sealed class ArmCounters
{
    private readonly ConcurrentDictionary<string, long> _fallbackReasons = new(StringComparer.Ordinal);
    private long _requests;
    private long _errors;
    private long _rejections;
    private long _fallbacks;
    private long _feedbackRows;
    private long _feedbackCorrect;

    public LatencyRecorder Latency { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Requests the router refused as the caller's fault (a bad input): counted, never as an error of the arm.</summary>
    public long Rejections => Interlocked.Read(ref _rejections);

    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    public long FeedbackRows => Interlocked.Read(ref _feedbackRows);

    public long FeedbackCorrect => Interlocked.Read(ref _feedbackCorrect);

    public IReadOnlyDictionary<string, long> FallbackReasons => new Dictionary<string, long>(_fallbackReasons);

    /// <summary>correct / labelled rows; 0 before any feedback.</summary>
    public double OnlineAccuracy => FeedbackRows == 0 ? 0 : (double)FeedbackCorrect / FeedbackRows;

    public void RecordRequest(TimeSpan latency, bool error, IReadOnlyList<string>? fallbackCategories)
    {
        Interlocked.Increment(ref _requests);
        Latency.Record(latency);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }

        if (fallbackCategories is { Count: > 0 })
        {
            Interlocked.Increment(ref _fallbacks);
            foreach (var category in fallbackCategories)
            {
                _fallbackReasons.AddOrUpdate(category, 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>A request rejected as the caller's fault: one more request, no error, no fallback.</summary>
    public void RecordRejection(TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _rejections);
        Latency.Record(latency);
    }

    public void RecordFeedback(int rows, int correct)
    {
        Interlocked.Add(ref _feedbackRows, rows);
        Interlocked.Add(ref _feedbackCorrect, correct);
    }

    /// <summary>Adds feedback totals kept from before a restart.</summary>
    public void RestoreFeedback(long rows, long correct)
    {
        Interlocked.Add(ref _feedbackRows, rows);
        Interlocked.Add(ref _feedbackCorrect, correct);
    }
}
