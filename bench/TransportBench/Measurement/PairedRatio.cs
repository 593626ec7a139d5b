namespace TransportBench.Measurement;

/// <summary>The median of per-repetition ratios, their range, and how many repetitions had both figures.</summary>
internal readonly record struct PairedRatio(double Median, double Min, double Max, int Pairs);
