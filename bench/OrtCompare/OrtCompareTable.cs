using System.Globalization;
using System.Text;

namespace InferenceBench;

/// <summary>
/// The side-by-side table from the measure lines (label, rep, model, batch, p50 µs, images/s, CPU µs/image):
/// per model and batch, each side's median with min–max over repetitions, and the ratio candidate/baseline of
/// each repetition's pair (the two ran back to back), median with min–max.
/// </summary>
internal static class OrtCompareTable
{
    public static string Render(IEnumerable<string> lines, string baseline, string candidate)
    {
        var rows = lines.Select(l => l.Split('\t')).Where(f => f.Length >= 7)
            .Select(f => (Label: f[0], Rep: f[1], Model: f[2], Batch: int.Parse(f[3], CultureInfo.InvariantCulture),
                P50: double.Parse(f[4], CultureInfo.InvariantCulture), Images: double.Parse(f[5], CultureInfo.InvariantCulture)))
            .ToList();
        var s = new StringBuilder();
        foreach (var model in rows.Select(r => r.Model).Distinct())
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"{model}: {baseline} vs {candidate}, median (min-max) over {rows.Where(r => r.Model == model).Select(r => r.Rep).Distinct().Count()} reps");
            s.AppendLine(CultureInfo.InvariantCulture, $"{"batch",5}  {baseline + " p50 us",-22}{candidate + " p50 us",-22}{baseline + " img/s",-24}{candidate + " img/s",-24}{"img/s " + candidate + "/" + baseline,-22}{"p50 " + candidate + "/" + baseline}");
            foreach (var batch in rows.Where(r => r.Model == model).Select(r => r.Batch).Distinct().Order())
            {
                var old = rows.Where(r => r.Model == model && r.Batch == batch && r.Label == baseline).ToList();
                var neu = rows.Where(r => r.Model == model && r.Batch == batch && r.Label == candidate).ToList();
                var pairs = old.Join(neu, o => o.Rep, n => n.Rep, (o, n) => (Images: n.Images / o.Images, P50: n.P50 / o.P50)).ToList();
                s.AppendLine(CultureInfo.InvariantCulture,
                    $"{batch,5}  {Cell(old.Select(r => r.P50), "0.0"),-22}{Cell(neu.Select(r => r.P50), "0.0"),-22}{Cell(old.Select(r => r.Images), "0"),-24}{Cell(neu.Select(r => r.Images), "0"),-24}{Cell(pairs.Select(p => p.Images), "0.00"),-22}{Cell(pairs.Select(p => p.P50), "0.00")}");
            }
        }

        return s.ToString();
    }

    private static string Cell(IEnumerable<double> values, string format)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return "-";
        }

        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        return sorted.Length == 1 ? F(median) : $"{F(median)} ({F(sorted[0])}-{F(sorted[^1])})";
    }
}
