namespace EnsembleGrpc.Router.Rollouts;

/// <summary>A rollout as the admin sees it: its state, the evidence of the latest look, and its decisions.</summary>
public sealed record RolloutView(RolloutState State, RolloutEvidence? LastEvidence, IReadOnlyList<RolloutDecision> Decisions);
