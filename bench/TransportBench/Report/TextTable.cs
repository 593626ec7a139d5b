using System.Globalization;
using System.Text;
using TransportBench.Measurement;

namespace TransportBench.Report;

/// <summary>Plain-text tables and number formatting shared by both reports.</summary>
internal static class TextTable
{
    /// <summary>Columns separated by " | ", the first left-aligned, the rest right-aligned, a rule under the header.</summary>
    public static string Render(IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Row(IReadOnlyList<string> cells)
        {
            for (var i = 0; i < cells.Count; i++)
            {
                sb.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
                sb.Append(i == cells.Count - 1 ? "\n" : " | ");
            }
        }

        Row(header);
        sb.Append(string.Join("-+-", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var r in rows)
        {
            Row(r);
        }

        return sb.ToString();
    }

    public static string F(double? v, string format = "0") => v.HasValue ? v.Value.ToString(format, CultureInfo.InvariantCulture) : "-";

    /// <summary>"median (min-max)" of a field over a scenario's repetitions; "-" when it has none.</summary>
    public static string MedianRange(Scenario? s, Func<Rep, double?> field, string format = "0") =>
        s?.Median(field) is { } m ? $"{F(m, format)} ({F(s.Min(field), format)}-{F(s.Max(field), format)})" : "-";

    /// <summary>One ratio line: label, median, (min-max), or "n/a" when no repetition had both figures.</summary>
    public static string RatioLine(string label, PairedRatio? ratio) =>
        ratio is { } r ? $"  {label,-66} {r.Median,6:0.00}   ({r.Min:0.00}-{r.Max:0.00})" : $"  {label,-66}    n/a";
}
