using System.Globalization;
using System.Text;
using EnsembleGrpc.LoadGen.Rollouts;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>A feedback run's rollout experiment as readable text: the outcome, the arms' final figures, the guardrails, every decision.</summary>
public static class RolloutSummaryWriter
{
    public static string Write(RolloutExperiment rollout)
    {
        var text = new StringBuilder();
        Line(text, $"Rollout {rollout.RolloutId} on {rollout.Ensemble}: candidate {rollout.Candidate}, baseline {rollout.Baseline}, steps {string.Join(", ", rollout.Steps)}%");
        Line(text, OutcomeLine(rollout));
        if (rollout.Feedback is { } f)
        {
            Line(text, $"Feedback: {f.Submitted:N0} answered requests labelled, {f.Accepted:N0} accepted, {f.Failed:N0} failed, {f.WithoutId:N0} answers without a request id");
        }

        if (rollout.Samples.LastOrDefault() is { } last)
        {
            Line(text, $"Last look ({last.Seconds:0.0} s, {last.Status}, candidate at {last.CandidatePercent}%):");
            Line(text, "  " + Arm(rollout.Baseline, last.Baseline));
            Line(text, "  " + Arm(rollout.Candidate, last.Candidate));
        }

        if (rollout.Guardrails.Count > 0)
        {
            Line(text, "Guardrails at the last look:");
            foreach (var g in rollout.Guardrails)
            {
                Line(text, $"  {g.Name,-22} {g.Verdict,-18} estimate {Number(g.Estimate),9}  adjusted p {Number(g.AdjustedPValue)}");
            }
        }

        Line(text, "Decisions:");
        foreach (var d in rollout.Decisions)
        {
            var requests = d.Requests is { } n ? $", after {n:N0} requests" : "";
            Line(text, $"  #{d.Sequence} at {d.SeenAtSeconds,6:0.0} s ({d.At}) {d.Kind} {d.FromPercent}→{d.ToPercent}%{requests}: {d.Reason}");
        }

        return text.ToString();
    }

    /// <summary>One line on how the rollout ended: "rolled_back after 1,234 requests (candidate 250): reason".</summary>
    public static string OutcomeLine(RolloutExperiment rollout)
    {
        if (rollout.Outcome is not { } outcome)
        {
            return $"Outcome: {rollout.FinalStatus} (no final decision within the run)";
        }

        var requests = outcome.Requests is { } n ? $" after {n:N0} requests (candidate {outcome.Candidate!.Requests:N0})" : "";
        return $"Outcome: {outcome.Kind}{requests} at {outcome.SeenAtSeconds:0.0} s: {outcome.Reason}";
    }

    private static string Arm(string name, ArmCounts? counts) => counts is null
        ? $"{name}: no counts yet"
        : $"{name}: {counts.Requests:N0} requests, accuracy {Percent(counts.Accuracy)} of {counts.FeedbackRows:N0} labelled, errors {Percent(counts.ErrorRate)}, fallbacks {Percent(counts.FallbackRate)}";

    private static string Percent(double rate) => double.IsFinite(rate) ? (rate * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("0.#####", CultureInfo.InvariantCulture) : "n/a";

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
