namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// One recorded decision: its number within the rollout (the store refuses a number twice), when, what, the
/// candidate's share before and after, why, who (the controller or an operator) and the evidence it was taken on.
/// </summary>
public sealed record RolloutDecision(
    long Sequence,
    DateTimeOffset At,
    DecisionKind Kind,
    int FromPercent,
    int ToPercent,
    string Reason,
    string By,
    RolloutEvidence? Evidence);
