namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>One decision of a rollout: its number, when (ISO 8601), what, the candidate's share before and after, why and who.</summary>
public sealed record PageRolloutDecision(long Sequence, string At, string Kind, int FromPercent, int ToPercent, string Reason, string By);
