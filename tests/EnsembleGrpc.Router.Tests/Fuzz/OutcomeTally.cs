using System.Collections.Concurrent;

namespace EnsembleGrpc.Router.Tests.Fuzz;

/// <summary>How many times each outcome came back, per kind of input; printed as one line per kind.</summary>
internal sealed class OutcomeTally
{
    private readonly ConcurrentDictionary<(string Kind, string Outcome), int> _counts = new();

    public void Add(string kind, string outcome) => _counts.AddOrUpdate((kind, outcome), 1, (_, n) => n + 1);

    public IEnumerable<string> Outcomes(string kind) => _counts.Keys.Where(k => k.Kind == kind).Select(k => k.Outcome);

    public IEnumerable<string> Lines() => _counts
        .GroupBy(p => p.Key.Kind)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key,-28} {string.Join(", ", g.OrderBy(p => p.Key.Outcome, StringComparer.Ordinal).Select(p => $"{p.Key.Outcome} {p.Value}"))}");
}
