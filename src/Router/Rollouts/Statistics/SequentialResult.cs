namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>
/// One look of an always-valid test: the estimate, its standard error, the mixture likelihood ratio Λ against the
/// null value, the always-valid p-value (min over looks of 1/Λ, so it never rises) and the confidence sequence
/// [Lower, Upper] at the test's α. <see cref="Informative"/> is false while the data cannot speak (no trials, zero
/// variance): Λ is then 1 and the interval unbounded, never a pass.
/// </summary>
public sealed record SequentialResult(
    double Estimate,
    double StandardError,
    double NullValue,
    double LikelihoodRatio,
    double PValue,
    double Lower,
    double Upper,
    bool Informative)
{
    public static SequentialResult Uninformative(double estimate, double nullValue, double previousPValue) =>
        new(estimate, double.NaN, nullValue, 1, previousPValue, double.NegativeInfinity, double.PositiveInfinity, false);
}
