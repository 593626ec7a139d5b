using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>Counts failed requests by (status, message), most frequent first.</summary>
public sealed class FailureTally
{
    /// <summary>Distinct messages kept per step; beyond it a status's new messages are counted together.</summary>
    public const int MaxKinds = 50;

    public const string OtherMessages = "(other messages)";

    private readonly Dictionary<(string Status, string Message), long> _counts = [];

    public void Add(in RequestRecord record)
    {
        var key = (record.Status.ToString(), Normalize(record.Error));
        if (!_counts.ContainsKey(key) && _counts.Count >= MaxKinds)
        {
            key = (key.Item1, OtherMessages);
        }

        _counts[key] = _counts.GetValueOrDefault(key) + 1;
    }

    public IReadOnlyList<FailureGroup> Groups() =>
    [
        .. _counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key.Status, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Message, StringComparer.Ordinal)
            .Select(c => new FailureGroup(c.Key.Status, c.Key.Message, c.Value)),
    ];

    /// <summary>One line per message: a multi-line status message would break console and CSV rows.</summary>
    private static string Normalize(string? message)
        => string.IsNullOrWhiteSpace(message) ? string.Empty : string.Join(' ', message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
