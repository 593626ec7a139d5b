using System.Text.Json.Serialization;

namespace InferenceBench;

/// <summary>
/// One goal of the issue: its figure (the median over the repetitions of a value computed within each repetition,
/// with [min-max]), its target, and whether the median meets it; <see cref="RepsMeeting"/> counts the repetitions
/// whose own value meets it. <see cref="Meets"/> is null for an informational line or when nothing was measured.
/// </summary>
internal sealed record Goal(
    string Id,
    string Name,
    string Definition,
    string Target,
    Figure Value,
    string Unit,
    [property: JsonIgnore] string Format,
    bool? Meets,
    int RepsMeeting,
    string? Detail = null,
    bool? MeetsStretch = null)
{
    public string Verdict => Meets switch
    {
        true => MeetsStretch == true ? "MEETS (stretch too)" : "MEETS",
        false => "MISSES",
        null => Value.HasValue ? "info" : "n/a",
    };

    /// <summary>A goal line from per-repetition values and a predicate on one value.</summary>
    public static Goal Of(string id, string name, string definition, string target, IEnumerable<double> perRep, Func<double, bool>? meets,
        string unit, string format, string? detail = null, Func<double, bool>? stretch = null)
    {
        var values = perRep.Where(v => !double.IsNaN(v) && !double.IsInfinity(v)).ToArray();
        var figure = Figure.Of(values);
        return new Goal(id, name, definition, target, figure, unit, format,
            meets is null || !figure.HasValue ? null : meets(figure.Median),
            meets is null ? 0 : values.Count(meets),
            detail,
            stretch is null || !figure.HasValue ? null : stretch(figure.Median));
    }
}
