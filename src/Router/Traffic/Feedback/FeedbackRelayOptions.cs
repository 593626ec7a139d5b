using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Traffic.Feedback;

/// <summary>
/// Feedback among router replicas that share a PostgreSQL store (<c>Router:FeedbackRelay</c>): how often each replica
/// takes the labels other replicas received for requests it answered, and how long such labels wait for it.
/// </summary>
public sealed class FeedbackRelayOptions
{
    public const string Section = "Router:FeedbackRelay";

    /// <summary>Milliseconds between two takes; default 1000: forwarded feedback is scored within about a second.</summary>
    [Range(50, 60_000)]
    public int IntervalMs { get; set; } = 1000;

    /// <summary>
    /// Seconds forwarded labels wait for the replica that answered; default 600. Labels no replica knows (a request
    /// forgotten, or its replica gone) are dropped after it, and the drop is logged.
    /// </summary>
    [Range(1, 86_400)]
    public int WaitSeconds { get; set; } = 600;
}
