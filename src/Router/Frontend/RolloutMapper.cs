using System.Globalization;
using System.Text.Json;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Rollouts.Persistence;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>A rollout's view as the RouterAdmin message; evidence travels as JSON (the experiment report's raw form).</summary>
public static class RolloutMapper
{
    public static RolloutInfo ToMessage(RolloutView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var state = view.State;
        var spec = state.Spec;
        var message = new RolloutInfo
        {
            Id = state.Id,
            Ensemble = state.Ensemble,
            Status = JsonNamingPolicy.SnakeCaseLower.ConvertName(state.Status.ToString()),
            CandidatePercent = state.CandidatePercent,
            StepIndex = state.StepIndex,
            Baseline = spec.Baseline,
            Candidate = spec.Candidate,
            Decisions = state.Decisions,
            HoldReason = state.HoldReason ?? "",
            EvidenceJson = view.LastEvidence is null ? "" : RolloutJson.Serialize(view.LastEvidence),
            StartedAt = state.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            StartedBy = state.StartedBy,
        };
        message.Steps.AddRange(spec.Steps);
        message.Guardrails.AddRange((view.LastEvidence?.Guardrails ?? []).Select(ToMessage));
        message.DecisionLog.AddRange(view.Decisions.Select(ToMessage));
        return message;
    }

    private static GuardrailStatus ToMessage(GuardrailResult g) => new()
    {
        Name = g.Name,
        Method = g.Method,
        Estimate = g.Estimate,
        Lower = g.Lower,
        Upper = g.Upper,
        Threshold = g.Threshold,
        PValue = g.PValue,
        AdjustedPValue = g.AdjustedPValue,
        Verdict = JsonNamingPolicy.SnakeCaseLower.ConvertName(g.Verdict.ToString()),
        Detail = g.Detail,
    };

    private static RolloutDecisionRecord ToMessage(RolloutDecision d) => new()
    {
        Sequence = d.Sequence,
        At = d.At.ToString("O", CultureInfo.InvariantCulture),
        Kind = JsonNamingPolicy.SnakeCaseLower.ConvertName(d.Kind.ToString()),
        FromPercent = d.FromPercent,
        ToPercent = d.ToPercent,
        Reason = d.Reason,
        By = d.By,
        EvidenceJson = d.Evidence is null ? "" : RolloutJson.Serialize(d.Evidence),
    };
}
