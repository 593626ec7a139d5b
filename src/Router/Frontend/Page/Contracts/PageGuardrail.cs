namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// One guardrail of a rollout's latest look: its verdict, the estimate with its interval against the threshold, and the
/// Holm-adjusted p-value. A figure not computed yet (too little data, an unbounded interval) is null: JSON has no NaN.
/// </summary>
public sealed record PageGuardrail(
    string Name,
    string Verdict,
    double? Estimate,
    double? Lower,
    double? Upper,
    double? Threshold,
    double? AdjustedPValue,
    string Detail);
