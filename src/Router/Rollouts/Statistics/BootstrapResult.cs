namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// A percentile-bootstrap estimate with its two-sided interval, and the one-sided bootstrap p-value of "the statistic
/// exceeds the threshold it was asked about": (resamples at or below it + 1) / (resamples + 1). <see cref="Informative"/>
/// is false when an arm had no samples.
/// </summary>
public sealed record BootstrapResult(double Estimate, double Lower, double Upper, double PValueAbove, int Iterations, bool Informative)
{
    public static BootstrapResult Uninformative { get; } = new(double.NaN, double.NegativeInfinity, double.PositiveInfinity, 1, 0, false);
}
