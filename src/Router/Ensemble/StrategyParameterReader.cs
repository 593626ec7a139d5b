using System.Text.Json;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// Reads one arm's raw <c>parameters</c> object for its strategy and collects every problem with its config path:
/// keys the strategy does not take (a typo must not be silently ignored), values of the wrong JSON kind, required
/// keys that are missing. A strategy adds its own checks with <see cref="Error"/> and ends with <see cref="Result"/>.
/// </summary>
public sealed class StrategyParameterReader
{
    private const int ShownValueLength = 40;

    private readonly StrategyContext _context;
    private readonly string _strategy;
    private readonly List<string> _errors = [];

    /// <param name="context">The arm being prepared.</param>
    /// <param name="strategy">The strategy's name, for messages.</param>
    /// <param name="keys">Every key the strategy takes; none for a strategy without parameters.</param>
    public StrategyParameterReader(StrategyContext context, string strategy, params IReadOnlyList<string> keys)
    {
        _context = context;
        _strategy = strategy;
        if (context.Parameters is not { ValueKind: JsonValueKind.Object } parameters)
        {
            return;
        }

        foreach (var property in parameters.EnumerateObject().Where(p => !keys.Contains(p.Name, StringComparer.Ordinal)))
        {
            _errors.Add($"{PathOf(property.Name)}: unknown key; {strategy} takes {(keys.Count == 0 ? "no parameters" : string.Join(", ", keys))}.");
        }
    }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The config path of one parameter, e.g. <c>ensembles[0].arms[1].parameters.weights</c>.</summary>
    public string PathOf(string key) => $"{_context.ParametersPath}.{key}";

    public void Error(string message) => _errors.Add(message);

    /// <summary>
    /// The value of <paramref name="key"/> when present and not null; a value of another kind than
    /// <paramref name="kind"/> is reported (as "must be <paramref name="expected"/>") and treated as absent.
    /// </summary>
    public bool TryGet(string key, JsonValueKind kind, string expected, out JsonElement value)
    {
        if (_context.Parameters is not { ValueKind: JsonValueKind.Object } parameters
            || !parameters.TryGetProperty(key, out value) || value.ValueKind == JsonValueKind.Null)
        {
            value = default;
            return false;
        }

        if (value.ValueKind != kind)
        {
            _errors.Add($"{PathOf(key)}: must be {expected}; got {Shown(value)}.");
            value = default;
            return false;
        }

        return true;
    }

    /// <summary>A non-empty string; a missing one is reported as required for this strategy (<paramref name="what"/> says what it names).</summary>
    public string? RequiredString(string key, string what)
    {
        bool present = TryGet(key, JsonValueKind.String, $"a string ({what})", out var value);
        string? text = present ? value.GetString() : null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        if (present || !HasKey(key))
        {
            _errors.Add($"{PathOf(key)}: required for {_strategy} ({what}).");
        }

        return null;
    }

    /// <summary>The prepared parameters when no problem was found, otherwise every problem.</summary>
    public StrategyPreparation Result(IStrategyParameters? parameters) =>
        _errors.Count == 0 ? StrategyPreparation.Prepared(parameters) : StrategyPreparation.Failed(_errors.ToArray());

    private bool HasKey(string key) =>
        _context.Parameters is { ValueKind: JsonValueKind.Object } parameters && parameters.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string Shown(JsonElement value)
    {
        string text = value.GetRawText();
        return text.Length <= ShownValueLength ? text : text[..ShownValueLength] + "…";
    }
}
