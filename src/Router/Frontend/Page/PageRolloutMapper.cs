using System.Globalization;
using System.Text.Json;
using EnsembleGrpc.Router.Frontend.Page.Contracts;
using EnsembleGrpc.Router.Rollouts;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>A rollout's view (<see cref="RolloutController.Get"/>) in the dashboard's terms.</summary>
public static class PageRolloutMapper
{
    public static PageRollout ToPage(RolloutView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var state = view.State;
        var spec = state.Spec;
        var last = view.Decisions.Count == 0 ? null : view.Decisions[^1];
        return new PageRollout(
            state.Id,
            Key(state.Status.ToString()),
            spec.Baseline,
            spec.Candidate,
            state.CandidatePercent,
            state.StepIndex,
            spec.Steps,
            state.Decisions,
            state.HoldReason,
            state.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            last is null ? null : new PageRolloutDecision(
                last.Sequence, last.At.ToString("O", CultureInfo.InvariantCulture), Key(last.Kind.ToString()), last.FromPercent, last.ToPercent, last.Reason, last.By),
            [.. (view.LastEvidence?.Guardrails ?? []).Select(g => new PageGuardrail(
                g.Name, Key(g.Verdict.ToString()), Finite(g.Estimate), Finite(g.Lower), Finite(g.Upper), Finite(g.Threshold), Finite(g.AdjustedPValue), g.Detail))]);
    }

    private static string Key(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
