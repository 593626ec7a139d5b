using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// The decision rule, as a pure function of a rollout's state, the time and a Random (for the latency bootstrap):
/// the controller and the offline simulator both call it. In order: any guardrail failing (Holm-adjusted p ≤ α, in
/// every active state, paused included) rolls back; a paused rollout does nothing else; a step whose time and
/// samples are not in carries on; a sample-ratio mismatch holds; the last step promotes (when non-inferiority is
/// required, only once shown); any other step advances.
/// </summary>
public static class RolloutEvaluator
{
    /// <param name="bayesian">Whether to add the Beta-Binomial figures (O(correct answers) each; the simulator skips them).</param>
    public static RolloutEvaluation Evaluate(RolloutState state, DateTimeOffset now, Random random, bool bayesian = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var spec = state.Spec;
        var elapsed = now - state.StepStartedAt;
        bool stepEnd = elapsed >= spec.MinStepDuration
            && state.Step.Baseline.Requests >= spec.MinSamples
            && state.Step.Candidate.Requests >= spec.MinSamples;
        var guardrails = Adjust(spec, RateGuardrails.Evaluate(spec, state.Total, state.PValues, stepEnd)
            .Concat(LatencyGuardrails.Evaluate(spec, state.Step, stepEnd, random)).ToList());
        var evidence = Evidence(state, spec, elapsed, guardrails, bayesian);
        var pValues = guardrails.Where(g => g.Method == "msprt").ToDictionary(g => g.Name, g => g.PValue, StringComparer.Ordinal);
        var (decision, reason) = Decide(state, spec, stepEnd, evidence);
        return new RolloutEvaluation(evidence, decision, reason, pValues);
    }

    private static (DecisionKind?, string) Decide(RolloutState state, RolloutSpec spec, bool stepEnd, RolloutEvidence evidence)
    {
        var failed = evidence.Guardrails.Where(g => g.Verdict == GuardrailVerdict.Fail).ToList();
        if (failed.Count > 0)
        {
            return (DecisionKind.RolledBack, string.Join("; ", failed.Select(Describe)));
        }

        if (state.Status != RolloutStatus.Running || !stepEnd)
        {
            return (null, "");
        }

        if (evidence.Srm.Mismatch)
        {
            return (DecisionKind.Held, FormattableString.Invariant(
                $"sample ratio mismatch in this step: {evidence.BaselineStep.Requests}/{evidence.CandidateStep.Requests} requests for a {100 - evidence.CandidatePercent}/{evidence.CandidatePercent} split (chi2 {evidence.Srm.ChiSquare:0.00}, p {evidence.Srm.PValue:0.####})"));
        }

        bool last = state.StepIndex == spec.Steps.Count - 1 || spec.Steps[state.StepIndex + 1] >= 100;
        if (!last)
        {
            return (DecisionKind.Advanced, FormattableString.Invariant($"step {spec.Steps[state.StepIndex]}% passed every guardrail"));
        }

        if (spec.RequireNonInferiority && spec.AccuracyDelta is { } delta
            && evidence.Guardrails.FirstOrDefault(g => g.Name == RateGuardrails.Accuracy) is { } accuracy && !(accuracy.Upper < delta))
        {
            return (DecisionKind.Held, FormattableString.Invariant($"accuracy non-inferiority not shown yet: the loss's upper bound {accuracy.Upper:0.####} is not below δ = {delta}"));
        }

        return (DecisionKind.Promoted, FormattableString.Invariant($"the last step ({spec.Steps[state.StepIndex]}%) passed every guardrail"));
    }

    /// <summary>Holm across every configured guardrail (m fixed by the spec); fails are on the harmful side only.</summary>
    private static List<GuardrailResult> Adjust(RolloutSpec spec, List<GuardrailResult> results)
    {
        int m = Math.Max(spec.GuardrailCount, results.Count);
        var raw = results.Select(r => r.PValue).Concat(Enumerable.Repeat(1.0, m - results.Count)).ToArray();
        var adjusted = Holm.Adjust(raw);
        return results.Select((r, i) => r.Verdict == GuardrailVerdict.InsufficientData
            ? r
            : r with { AdjustedPValue = adjusted[i], Verdict = adjusted[i] <= spec.Alpha ? GuardrailVerdict.Fail : GuardrailVerdict.Pass }).ToList();
    }

    private static RolloutEvidence Evidence(RolloutState state, RolloutSpec spec, TimeSpan elapsed, List<GuardrailResult> guardrails, bool bayesian)
    {
        int percent = state.CandidatePercent;
        var srm = SampleRatioMismatch.Test([state.Step.Baseline.Requests, state.Step.Candidate.Requests], [100 - percent, percent], spec.SrmThreshold);
        var a = state.Total.Baseline;
        var b = state.Total.Candidate;
        var evidence = new RolloutEvidence
        {
            CandidatePercent = percent,
            StepSeconds = elapsed.TotalSeconds,
            BaselineTotal = a,
            CandidateTotal = b,
            BaselineStep = state.Step.Baseline,
            CandidateStep = state.Step.Candidate,
            Agreement = state.Total.Agreement,
            Guardrails = guardrails,
            Srm = srm,
        };
        if (!bayesian || a.FeedbackRows == 0 || b.FeedbackRows == 0)
        {
            return evidence;
        }

        var correctA = new BinomialCounts(a.FeedbackCorrect, a.FeedbackRows);
        var correctB = new BinomialCounts(b.FeedbackCorrect, b.FeedbackRows);
        double pA = correctA.Rate;
        return evidence with
        {
            ProbabilityCandidateBetter = BetaBinomial.ProbabilityCandidateBetter(correctA, correctB),
            ExpectedAccuracyLoss = BetaBinomial.ExpectedLossOfCandidate(correctA, correctB),
            PlannedLabelledRows = pA > spec.Tau && percent is > 0 and < 100
                ? TwoProportionZTest.PlannedTotal(pA, pA - spec.Tau, percent / 100.0, spec.Alpha, 0.8)
                : 0,
        };
    }

    private static string Describe(GuardrailResult g) => FormattableString.Invariant(
        $"{g.Name} breached (estimate {g.Estimate:0.#####}, interval [{g.Lower:0.#####}, {g.Upper:0.#####}], threshold {g.Threshold}, Holm-adjusted p {g.AdjustedPValue:0.#####})");
}
