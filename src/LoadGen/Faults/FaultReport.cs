using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>How the target fared before, during and after a fault, and second by second.</summary>
public sealed record FaultReport
{
    public required string Fault { get; init; }

    /// <summary>Seconds from the start of measurement to the fault's actual begin and end.</summary>
    public double BeganAtSeconds { get; init; }

    public double EndedAtSeconds { get; init; }

    public string? Error { get; init; }

    public required StepSummary Before { get; init; }

    public required StepSummary During { get; init; }

    public required StepSummary After { get; init; }

    /// <summary>Outside the fault window: before and after together.</summary>
    public required StepSummary Outside { get; init; }

    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];
}

/// <summary>One slice of the run's timeline, by intended send time.</summary>
public sealed record TimelinePoint(double StartSeconds, long Requests, double SuccessRate, double FallbackRate, double P50Ms, double P99Ms);
