namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// A sample-ratio-mismatch check: χ², degrees of freedom and p-value; <see cref="Ran"/> is false when some expected
/// count is below 5 (the χ² approximation does not hold; never a flag then), <see cref="Mismatch"/> when p &lt; the threshold.
/// </summary>
public sealed record SrmResult(double ChiSquare, int DegreesOfFreedom, double PValue, bool Ran, bool Mismatch);
