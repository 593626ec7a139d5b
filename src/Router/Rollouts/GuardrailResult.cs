namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// One guardrail at one look: the estimate (candidate minus baseline for rates, in the direction where larger is
/// worse; the agreement rate itself; latency in ms), its interval, the threshold it is held to, the raw and the
/// Holm-adjusted p-value of "the candidate breaches the threshold", and the verdict.
/// </summary>
public sealed record GuardrailResult(
    string Name,
    string Method,
    double Estimate,
    double Lower,
    double Upper,
    double Threshold,
    double PValue,
    double AdjustedPValue,
    GuardrailVerdict Verdict,
    string Detail)
{
    public static GuardrailResult Insufficient(string name, string method, double threshold, string detail) =>
        new(name, method, double.NaN, double.NegativeInfinity, double.PositiveInfinity, threshold, 1, 1, GuardrailVerdict.InsufficientData, detail);
}
