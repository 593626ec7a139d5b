using System.Globalization;

namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Parses load levels: one value ("8"), a list ("1,2,4"), or a range start:end[:step] where the step adds
/// ("100:1000:100") or multiplies with an x ("1:64:x2"). The end is always included.
/// </summary>
public static class LoadLevels
{
    public static bool TryParse(string text, out IReadOnlyList<double> levels, out string? error)
    {
        levels = [];
        error = null;
        var list = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = part.Split(':');
            if (fields.Length == 1)
            {
                if (!TryNumber(fields[0], out var single))
                {
                    error = $"'{part}' is not a positive number";
                    return false;
                }

                list.Add(single);
                continue;
            }

            if (fields.Length > 3 || !TryNumber(fields[0], out var start) || !TryNumber(fields[1], out var end) || end < start)
            {
                error = $"'{part}' is not a range start:end[:step] with 0 < start <= end (e.g. 1:64:x2 or 100:1000:100)";
                return false;
            }

            var step = fields.Length == 3 ? fields[2] : "1";
            var multiply = step.StartsWith('x') || step.StartsWith('*');
            if (!TryNumber(multiply ? step[1..] : step, out var by) || (multiply && by <= 1))
            {
                error = $"'{step}' is not a step: a positive number to add, or x<factor> with factor > 1";
                return false;
            }

            for (var v = start; v <= end * (1 + 1e-9) && list.Count < 10_000; v = multiply ? v * by : v + by)
            {
                list.Add(Math.Round(v, 6));
            }

            if (list[^1] < end * (1 - 1e-9))
            {
                list.Add(end);
            }
        }

        if (list.Count == 0)
        {
            error = "no load level given";
            return false;
        }

        levels = list;
        return true;
    }

    private static bool TryNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && double.IsFinite(value);
}
