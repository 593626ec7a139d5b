namespace EnsembleGrpc.Router.Model;

/// <summary>Circuit-breaker settings with defaults applied.</summary>
public sealed record BreakerModel
{
    public required double FailureRatio { get; init; }

    public required int MinimumThroughput { get; init; }

    public required TimeSpan SamplingDuration { get; init; }

    public required TimeSpan BreakDuration { get; init; }
}
