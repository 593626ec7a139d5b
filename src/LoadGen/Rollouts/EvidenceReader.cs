using System.Globalization;
using System.Text.Json;

namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// Reads what the timeline needs from a decision's evidence JSON (the router's snake_case RolloutEvidence): the arms'
/// counts over the rollout and the candidate's p95 when the latency bound was looked at. Anything missing reads as
/// null, never as 0; the router writes NaN and infinities as strings.
/// </summary>
internal static class EvidenceReader
{
    public static (ArmCounts? Baseline, ArmCounts? Candidate, double? CandidateP95Ms) Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return (null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return (Counts(root, "baseline_total"), Counts(root, "candidate_total"), CandidateP95(root));
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static ArmCounts? Counts(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var arm) || arm.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        long Long(string field) => arm.TryGetProperty(field, out var v) && v.TryGetInt64(out var n) ? n : 0;
        return new ArmCounts(Long("requests"), Long("errors"), Long("fallbacks"), Long("feedback_rows"), Long("feedback_correct"));
    }

    private static double? CandidateP95(JsonElement root)
    {
        if (!root.TryGetProperty("guardrails", out var guardrails) || guardrails.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var g in guardrails.EnumerateArray())
        {
            if (g.TryGetProperty("name", out var name) && name.GetString() == "latency_p95_bound"
                && g.TryGetProperty("estimate", out var estimate) && Number(estimate) is { } value && double.IsFinite(value))
            {
                return value;
            }
        }

        return null;
    }

    private static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
