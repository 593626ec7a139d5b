using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Profiling;
using EnsembleGrpc.LoadGen.Rollouts;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>Everything a run produced; the report writers only format it.</summary>
public sealed record ProfileReport
{
    public required RunInfo Run { get; init; }

    public IReadOnlyList<StepSummary> Steps { get; init; } = [];

    public RateSearchResult? Search { get; init; }

    public FaultReport? Fault { get; init; }

    /// <summary>A feedback run's rollout experiment (--rollout).</summary>
    public RolloutExperiment? Rollout { get; init; }
}

/// <summary>What was run, against what, how it was measured.</summary>
public sealed record RunInfo
{
    public required string Target { get; init; }

    public required string Model { get; init; }

    /// <summary>"concurrency sweep", "rate sweep", "rate search", "fault" or "rollout".</summary>
    public required string Mode { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public int BatchSize { get; init; } = 1;

    public string Input { get; init; } = "dataset";

    public string? Strategy { get; init; }

    public string? RoutingKeyPattern { get; init; }

    public int Connections { get; init; }

    public double DeadlineMs { get; init; }

    public double WarmupSeconds { get; init; }

    public double WindowSeconds { get; init; }

    public double StabilityTolerance { get; init; }

    public int MaxWindows { get; init; }

    /// <summary>The bound on one step (--max-step-time or its default), seconds.</summary>
    public double StepTimeLimitSeconds { get; init; }

    public double LateThresholdMs { get; init; }

    public string? Arrivals { get; init; }

    /// <summary>Where server-side statistics were read: URL=MODEL, or URL for every model of that server.</summary>
    public IReadOnlyList<string> ServerStatistics { get; init; } = [];

    /// <summary>The histogram's stated worst relative error of a percentile.</summary>
    public double PercentileRelativeError { get; init; } = LatencyHistogram.RelativeErrorBound;

    /// <summary>True when Ctrl-C ended the run early; the report holds what was measured so far.</summary>
    public bool Aborted { get; init; }
}
