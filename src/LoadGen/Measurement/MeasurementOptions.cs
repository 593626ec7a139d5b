namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>How a step is measured: warm-up, window length, stability rule, and when a send counts as late.</summary>
public sealed record MeasurementOptions
{
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);

    public StabilityCriteria Stability { get; init; } = new();

    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(1);
}
