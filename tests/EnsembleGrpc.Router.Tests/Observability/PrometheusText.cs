using System.Globalization;
using System.Text.RegularExpressions;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>The samples of one scrape in Prometheus text format, enough for tests to find series and sum them.</summary>
internal sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            var match = Sample().Match(line.TrimEnd('\r'));
            if (!match.Success)
            {
                continue;
            }

            if (!double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                continue;
            }

            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            _samples.Add((match.Groups["name"].Value, labels, value));
        }
    }

    public string Text { get; }

    public bool Has(string name, params (string Label, string Value)[] labels) => Matching(name, labels).Any();

    /// <summary>The sum of the series of <paramref name="name"/> that carry every given label value; 0 when none.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Matching(name, labels).Sum(s => s.Value);

    public IEnumerable<string> Names => _samples.Select(s => s.Name).Distinct(StringComparer.Ordinal);

    private IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Matching(string name, (string Label, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
