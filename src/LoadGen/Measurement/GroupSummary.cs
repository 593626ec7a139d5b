namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>A breakdown row: the requests whose response named one arm or one strategy.</summary>
public sealed record GroupSummary
{
    public required string Name { get; init; }

    public long Requests { get; init; }

    public double Share { get; init; }

    public double P50Ms { get; init; }

    public double P99Ms { get; init; }

    public double? Accuracy { get; init; }

    public double FallbackRate { get; init; }
}
