namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// One look at a rollout: the evidence, the decision it calls for (null: carry on) with its reason, and the running
/// p-values to keep for the next look.
/// </summary>
public sealed record RolloutEvaluation(RolloutEvidence Evidence, DecisionKind? Decision, string Reason, IReadOnlyDictionary<string, double> PValues);
