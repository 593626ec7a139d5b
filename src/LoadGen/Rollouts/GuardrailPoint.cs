namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>One guardrail at one look of the router: its estimate, Holm-adjusted p-value and verdict.</summary>
public sealed record GuardrailPoint(string Name, double Estimate, double AdjustedPValue, string Verdict);
