namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>How a step is measured: warm-up, window length, stability rule, time limit, and when a send counts as late.</summary>
public sealed record MeasurementOptions
{
    /// <summary>The default step time limit is warm-up plus this many times the longest measurement (max windows × window).</summary>
    public const double StepTimeFactor = 2;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);

    public StabilityCriteria Stability { get; init; } = new();

    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Bound on one step, warm-up, windows and draining included; a step that gets there ends and says why it has no
    /// stable window. Null: <see cref="Warmup"/> + windows × <see cref="Window"/> × <see cref="StepTimeFactor"/>.
    /// </summary>
    public TimeSpan? MaxStepTime { get; init; }

    public TimeSpan StepTimeLimit(int windows) => MaxStepTime ?? Warmup + (Window * windows * StepTimeFactor);
}
