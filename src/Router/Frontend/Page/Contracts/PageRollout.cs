namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// An ensemble's rollout as the dashboard shows it: where it stands (status, the candidate's share, the step of its
/// steps), the last decision with its reason, and the guardrails of the latest look (RouterAdmin's GetRollout has the
/// full evidence and every decision).
/// </summary>
public sealed record PageRollout(
    string Id,
    string Status,
    string Baseline,
    string Candidate,
    int CandidatePercent,
    int StepIndex,
    IReadOnlyList<int> Steps,
    long Decisions,
    string? HoldReason,
    string StartedAt,
    PageRolloutDecision? LastDecision,
    IReadOnlyList<PageGuardrail> Guardrails);
