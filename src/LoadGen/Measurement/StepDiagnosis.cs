using System.Globalization;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// Why a step has no stable window, in words a user can act on, and whether that means the step measured nothing
/// usable (<see cref="StepSummary.Incomplete"/>). The first matching cause wins: nothing sent, nothing completed,
/// everything failed, a generator far behind its target rate, the step time limit, windows that disagree.
/// </summary>
public static class StepDiagnosis
{
    /// <summary>Below this share of the target rate the generator, not the server, is what was measured.</summary>
    public const double BehindShare = 0.5;

    public static (string? Reason, bool Incomplete) Explain(StepSummary step, StabilityCriteria criteria, TimeSpan? limitReached)
    {
        if (step.Stable)
        {
            return (null, false);
        }

        var limit = limitReached is { } l ? $" (step time limit {Seconds(l)} s reached)" : string.Empty;
        if (step.Sent == 0 && step.Requests == 0)
        {
            return ($"no request was sent{limit}", true);
        }

        if (step.Requests == 0)
        {
            return ($"{step.Sent} requests sent, none completed{limit}", true);
        }

        if (step.Succeeded == 0)
        {
            var top = step.Failures.Count > 0 ? $": {Describe(step.Failures[0])}" : string.Empty;
            return ($"every request failed ({step.Requests}){top}{limit}", true);
        }

        if (step.Rate is { } rate && step.DurationSeconds > 0 && step.Sent / step.DurationSeconds < BehindShare * rate)
        {
            var sent = step.Sent / step.DurationSeconds;
            return ($"sent {F(sent)}/s of the {F(rate)}/s target: the generator (or --max-outstanding) cannot keep up, {F(step.LateShare * 100)}% of sends late{limit}", true);
        }

        if (limitReached is not null)
        {
            return ($"step time limit {Seconds(limitReached.Value)} s reached after {step.Windows} windows", true);
        }

        return ($"throughput or p99 of the last {criteria.WindowsToCompare} windows varied more than {F(criteria.Tolerance * 100)}% ({step.Windows} windows)", false);
    }

    public static string Describe(FailureGroup failure)
        => failure.Message.Length == 0 ? $"{failure.Status} ×{failure.Count}" : $"{failure.Status} ×{failure.Count} \"{failure.Message}\"";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
