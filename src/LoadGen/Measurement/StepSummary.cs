namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>Everything measured in one step of a run (one concurrency, one rate, or one fault phase).</summary>
public sealed record StepSummary
{
    public required string Label { get; init; }

    /// <summary>"concurrency" or "rate".</summary>
    public required string Mode { get; init; }

    public int? Concurrency { get; init; }

    /// <summary>Target request rate of an open-loop step (requests/s).</summary>
    public double? Rate { get; init; }

    public bool Stable { get; init; }

    /// <summary>Why the step has no stable window (null when stable): the diagnosis printed as "no stable window: …".</summary>
    public string? NoStableWindow { get; init; }

    /// <summary>
    /// True when the step could not measure the target at all: it hit its time limit, no request succeeded, or the
    /// generator sent far below the target rate. LoadGen exits non-zero.
    /// </summary>
    public bool Incomplete { get; init; }

    /// <summary>Requests sent during the measured windows (completed or not).</summary>
    public long Sent { get; init; }

    public int Windows { get; init; }

    public double DurationSeconds { get; init; }

    public long Requests { get; init; }

    public long Succeeded { get; init; }

    public double SuccessRate { get; init; }

    /// <summary>Failed requests by gRPC status name.</summary>
    public IReadOnlyDictionary<string, long> Errors { get; init; } = new Dictionary<string, long>();

    /// <summary>Failed requests by gRPC status and the server's status message, most frequent first.</summary>
    public IReadOnlyList<FailureGroup> Failures { get; init; } = [];

    /// <summary>Successful requests per second.</summary>
    public double Throughput { get; init; }

    /// <summary>Successful rows per second (requests × batch size).</summary>
    public double InferencesPerSecond { get; init; }

    /// <summary>Client latency of successful requests, from the intended send time.</summary>
    public LatencySummary Latency { get; init; } = LatencySummary.Empty;

    /// <summary>Time in flight (actual send to completion): what a closed-loop tool would report.</summary>
    public LatencySummary ServiceTime { get; init; } = LatencySummary.Empty;

    /// <summary>Sends that left later than the late threshold after their intended time.</summary>
    public long LateSends { get; init; }

    public double LateShare { get; init; }

    public double MaxSendDelayMs { get; init; }

    /// <summary>Correct predictions / labeled rows of successful requests; null without labels.</summary>
    public double? Accuracy { get; init; }

    public double FallbackRate { get; init; }

    public IReadOnlyList<GroupSummary> ByArm { get; init; } = [];

    public IReadOnlyList<GroupSummary> ByStrategy { get; init; } = [];

    public IReadOnlyList<ServerSideSummary> Server { get; init; } = [];

    /// <summary>The latency percentile curve of the step, for the distribution plot.</summary>
    public IReadOnlyList<PercentilePoint> Distribution { get; init; } = [];
}
