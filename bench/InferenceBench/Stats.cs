using System.Text.Json.Serialization;

namespace InferenceBench;

/// <summary>A figure over the repetitions: its median and range (NaN-free values only).</summary>
internal sealed record Figure(double Median, double Min, double Max, int Count)
{
    public static readonly Figure None = new(double.NaN, double.NaN, double.NaN, 0);

    public static Figure Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v) && !double.IsInfinity(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return None;
        }

        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Figure(median, sorted[0], sorted[^1], sorted.Length);
    }

    [JsonIgnore]
    public bool HasValue => Count > 0;
}
