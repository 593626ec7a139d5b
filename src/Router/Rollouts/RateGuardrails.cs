using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// The rate guardrails (error rate, fallback rate, accuracy from feedback, shadow agreement) over the rollout's
/// cumulative counts. Sequential mode: the mSPRT at every look, p-value = the running minimum of 1/Λ over looks whose
/// estimate lies on the harmful side of the threshold (one-sided, hence conservative). Fixed mode: a one-sided z-test,
/// only at a step's end, at α split evenly over the steps (Bonferroni: one look per step).
/// </summary>
public static class RateGuardrails
{
    public const string ErrorRate = "error_rate";
    public const string FallbackRate = "fallback_rate";
    public const string Accuracy = "accuracy";
    public const string Agreement = "agreement";

    public static IEnumerable<GuardrailResult> Evaluate(RolloutSpec spec, RolloutCounts total, IReadOnlyDictionary<string, double> pValues, bool stepEnd)
    {
        var a = total.Baseline;
        var b = total.Candidate;
        if (spec.ErrorRateMargin is { } errorMargin)
        {
            yield return Difference(spec, ErrorRate, new(a.Errors, a.Requests), new(b.Errors, b.Requests), errorMargin, pValues, stepEnd);
        }

        if (spec.FallbackRateMargin is { } fallbackMargin)
        {
            yield return Difference(spec, FallbackRate, new(a.Fallbacks, a.Requests), new(b.Fallbacks, b.Requests), fallbackMargin, pValues, stepEnd);
        }

        if (spec.AccuracyDelta is { } delta)
        {
            // Events are wrong answers, so that "larger is worse" holds for every rate guardrail.
            var wrongA = new BinomialCounts(a.FeedbackRows - a.FeedbackCorrect, a.FeedbackRows);
            var wrongB = new BinomialCounts(b.FeedbackRows - b.FeedbackCorrect, b.FeedbackRows);
            yield return Difference(spec, Accuracy, wrongA, wrongB, delta, pValues, stepEnd);
        }

        if (spec.AgreementFloor is { } floor)
        {
            yield return Floor(spec, total.Agreement, floor, pValues);
        }
    }

    private static GuardrailResult Difference(
        RolloutSpec spec, string name, BinomialCounts baseline, BinomialCounts candidate, double margin, IReadOnlyDictionary<string, double> pValues, bool stepEnd)
    {
        if (baseline.Trials < spec.BurnIn || candidate.Trials < spec.BurnIn)
        {
            return GuardrailResult.Insufficient(name, Method(spec), margin, $"each arm needs {spec.BurnIn} observations; have {baseline.Trials} and {candidate.Trials}");
        }

        if (!spec.Sequential)
        {
            return stepEnd
                ? Fixed(spec, name, baseline, candidate, margin)
                : GuardrailResult.Insufficient(name, Method(spec), margin, "the fixed-horizon test looks only at the step's end");
        }

        double previous = pValues.GetValueOrDefault(name, 1);
        var look = Msprt.TwoProportions(baseline, candidate, spec.Tau, spec.Alpha, margin);
        if (!look.Informative)
        {
            return GuardrailResult.Insufficient(name, Method(spec), margin, "no variance yet (no events in either arm)");
        }

        double p = look.Estimate > margin ? Math.Min(previous, Math.Min(1, 1 / look.LikelihoodRatio)) : previous;
        return new GuardrailResult(name, Method(spec), look.Estimate, look.Lower, look.Upper, margin, p, p, GuardrailVerdict.Pass, "");
    }

    private static GuardrailResult Fixed(RolloutSpec spec, string name, BinomialCounts baseline, BinomialCounts candidate, double margin)
    {
        double alphaPerLook = spec.Alpha / Math.Max(1, spec.Steps.Count(s => s < 100));
        var test = TwoProportionZTest.Test(baseline, candidate, alphaPerLook, margin);
        // One look per step spends α/steps: report the p-value scaled back to the family's α.
        double p = Math.Min(1, test.UpperPValue * Math.Max(1, spec.Steps.Count(s => s < 100)));
        return new GuardrailResult(name, Method(spec), test.Estimate, test.Lower, test.Upper, margin, p, p, GuardrailVerdict.Pass, "");
    }

    private static GuardrailResult Floor(RolloutSpec spec, BinomialCounts agreement, double floor, IReadOnlyDictionary<string, double> pValues)
    {
        if (agreement.Trials < spec.BurnIn)
        {
            return GuardrailResult.Insufficient(Agreement, "msprt", floor, $"needs {spec.BurnIn} compared shadow rows; have {agreement.Trials}");
        }

        double previous = pValues.GetValueOrDefault(Agreement, 1);
        var look = Msprt.OneProportion(agreement, floor, spec.Tau, spec.Alpha);
        double p = look.Estimate < floor ? Math.Min(previous, Math.Min(1, 1 / look.LikelihoodRatio)) : previous;
        return new GuardrailResult(Agreement, "msprt", look.Estimate, look.Lower, look.Upper, floor, p, p, GuardrailVerdict.Pass, "");
    }

    private static string Method(RolloutSpec spec) => spec.Sequential ? "msprt" : "z_test";
}
