namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>Plain text made to fit the report width: wrapped at spaces, or cut with an ellipsis.</summary>
public static class TextLines
{
    /// <summary>Splits <paramref name="text"/> into lines of at most <paramref name="width"/> characters; continuation lines get <paramref name="indent"/>.</summary>
    public static IReadOnlyList<string> Wrap(string text, int width, string indent = "    ")
    {
        var lines = new List<string>();
        var line = string.Empty;
        foreach (var word in text.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (candidate.Length <= width || line.Trim().Length == 0)
            {
                line = candidate;
                continue;
            }

            lines.Add(line);
            line = indent + word;
        }

        lines.Add(line);
        return lines.Select(l => Cut(l, width)).ToArray();
    }

    public static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
