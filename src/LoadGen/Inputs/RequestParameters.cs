namespace EnsembleGrpc.LoadGen.Inputs;

/// <summary>
/// Request parameters every request carries: an ensemble strategy, a routing key from a pattern ("user-{i}" with
/// i the request's sequence number modulo <see cref="RoutingKeyCount"/>), and free string parameters.
/// </summary>
public sealed record RequestParameters
{
    public const string StrategyName = "ensemble_strategy";
    public const string RoutingKeyName = "routing_key";

    public string? Strategy { get; init; }

    public string? RoutingKeyPattern { get; init; }

    /// <summary>Distinct routing keys cycled through; 0 for a new key per request.</summary>
    public long RoutingKeyCount { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Extra { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> For(long sequence, out bool varies)
    {
        var list = new List<KeyValuePair<string, string>>(Extra.Count + 2);
        list.AddRange(Extra);
        if (Strategy is not null)
        {
            list.Add(new(StrategyName, Strategy));
        }

        varies = RoutingKeyPattern is not null;
        if (RoutingKeyPattern is not null)
        {
            list.Add(new(RoutingKeyName, RoutingKey(sequence)));
        }

        return list;
    }

    public string RoutingKey(long sequence)
    {
        var i = RoutingKeyCount > 0 ? sequence % RoutingKeyCount : sequence;
        return (RoutingKeyPattern ?? string.Empty).Replace("{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
