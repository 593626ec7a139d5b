using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Frontend.Page.Contracts;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// The page's answer from the engine's outcome: the protocol answer's fields, and each member's probabilities and
/// vote from the member outcomes the engine already keeps for aggregation (no extra call, nothing recomputed but an
/// argmax per row). A failed member shows its client-safe code only (<see cref="FallbackReasons.Code"/>).
/// </summary>
public static class PageAnswers
{
    public static PageAnswer From(InferenceOutcome outcome, double latencyMs)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var result = outcome.Result!;
        var ensemble = outcome.Ensemble!;
        int rows = result.Predictions!.Length;
        return new PageAnswer(
            outcome.RequestId!,
            ensemble.Name,
            result.Strategy!,
            ensemble.RevealArm ? outcome.Arm!.Name : null,
            result.Fallback,
            result.FallbackReason ?? "",
            result.MembersAnswered,
            latencyMs,
            result.Predictions,
            Split(result.Probabilities!, rows),
            [.. result.Outcomes.Select(m => Member(m, rows))]);
    }

    private static PageMemberAnswer Member(MemberOutcome member, int rows)
    {
        double latency = member.Latency.TotalMilliseconds;
        if (!member.Succeeded)
        {
            return new PageMemberAnswer(member.Member, false, FallbackReasons.Code(member.Failure), latency, null, null);
        }

        var probabilities = member.Probabilities!;
        return new PageMemberAnswer(member.Member, true, null, latency,
            Argmax.Rows(probabilities.AsSpan(0, rows * OutputValidator.Classes), rows, OutputValidator.Classes),
            Split(probabilities, rows));
    }

    /// <summary>Row-major [rows × classes] as one array per row.</summary>
    private static float[][] Split(float[] values, int rows)
    {
        var split = new float[rows][];
        for (int r = 0; r < rows; r++)
        {
            split[r] = values.AsSpan(r * OutputValidator.Classes, OutputValidator.Classes).ToArray();
        }

        return split;
    }
}
