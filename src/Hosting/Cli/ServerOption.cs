using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// One option of a server's command line and the configuration key(s) its value is written to, so the value flows into
/// the options classes (and their validation) like any other configuration source. Values only get a type check here;
/// ranges and cross-checks belong to the options validators, which report every problem at once.
/// </summary>
public sealed class ServerOption
{
    /// <summary>How often one option may be repeated (<c>--port 1 --port 2</c>: the last wins); each occurrence takes one value.</summary>
    private const int MaxRepeats = 64;

    private readonly Func<ParseResult, string?> _value;
    private readonly Func<string, IEnumerable<KeyValuePair<string, string?>>> _toConfiguration;

    private ServerOption(Option option, Func<ParseResult, string?> value, Func<string, IEnumerable<KeyValuePair<string, string?>>> toConfiguration)
    {
        Option = option;
        _value = value;
        _toConfiguration = toConfiguration;
    }

    private delegate bool TryParse<T>(string text, out T value);

    public Option Option { get; }

    /// <summary>A switch (<see cref="Flag"/>): it may stand alone.</summary>
    public bool IsFlag => Option is Option<bool>;

    /// <summary>A string value, passed on as given.</summary>
    public static ServerOption Text(string name, string key, string helpName, string description, string? defaultValue = null)
    {
        static bool AsGiven(string text, out string value)
        {
            value = text;
            return true;
        }

        return Bound(Typed<string>(name, helpName, description, defaultValue ?? string.Empty, defaultValue is not null, AsGiven, "text"), key);
    }

    /// <summary>One of a fixed set of words (case-insensitive), passed on in the spelling of <paramref name="choices"/>.</summary>
    public static ServerOption Choice(string name, string key, string helpName, string description, string defaultValue, IReadOnlyList<string> choices)
        => Choice(name, helpName, description, defaultValue, choices, value => [new(key, value)]);

    /// <summary>A choice that sets several configuration keys (e.g. one log level for several categories).</summary>
    public static ServerOption Choice(string name, string helpName, string description, string defaultValue, IReadOnlyList<string> choices, Func<string, IEnumerable<KeyValuePair<string, string?>>> toConfiguration)
    {
        bool TryChoice(string text, out string value)
        {
            value = choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) ?? string.Empty;
            return value.Length > 0;
        }

        var option = Typed<string>(name, helpName, description, defaultValue, hasDefault: true, TryChoice, $"one of {string.Join(", ", choices)}");
        return new ServerOption(option, r => r.GetValue(option), toConfiguration);
    }

    /// <summary>A whole number; <paramref name="expected"/> says what is accepted (e.g. "a whole number in 0..65535").</summary>
    public static ServerOption Int(string name, string key, string helpName, string description, int? defaultValue, string expected)
        => Bound(Typed<int>(name, helpName, description, defaultValue ?? 0, defaultValue.HasValue, (string t, out int v) => int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v), expected), key);

    /// <summary>A whole number too large for an int.</summary>
    public static ServerOption Long(string name, string key, string helpName, string description, long? defaultValue, string expected)
        => Bound(Typed<long>(name, helpName, description, defaultValue ?? 0, defaultValue.HasValue, (string t, out long v) => long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v), expected), key);

    /// <summary>A decimal number (invariant culture: a dot).</summary>
    public static ServerOption Number(string name, string key, string helpName, string description, double defaultValue, string expected)
        => Bound(Typed<double>(name, helpName, description, defaultValue, hasDefault: true, (string t, out double v) => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out v), expected), key);

    /// <summary>A switch: alone it means true; <c>true</c> or <c>false</c> may follow (<c>--watch false</c>).</summary>
    public static ServerOption Flag(string name, string key, string description, bool defaultValue)
    {
        var option = new Option<bool>(name)
        {
            HelpName = "true|false",
            // The help leaves out a false default; say it, so every option shows its default.
            Description = defaultValue ? description : description + " [default: false]",
            Arity = new ArgumentArity(0, MaxRepeats),
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return true;
                }

                if (bool.TryParse(result.Tokens[^1].Value, out var value))
                {
                    return value;
                }

                result.AddError($"{name}: '{result.Tokens[^1].Value}' is not true or false.");
                return false;
            },
        };
        return Bound(option, key);
    }

    /// <summary>The configuration entries for this option, when the command line gave it (defaults are the options classes').</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetResult(Option) is not { Implicit: false } || _value(result) is not { } value)
        {
            return [];
        }

        return _toConfiguration(value);
    }

    private static ServerOption Bound<T>(Option<T> option, string key)
        => new(option, r => Convert.ToString(r.GetValue(option), CultureInfo.InvariantCulture), value => [new(key, value)]);

    private static Option<T> Typed<T>(string name, string helpName, string description, T defaultValue, bool hasDefault, TryParse<T> tryParse, string expected)
    {
        var option = new Option<T>(name)
        {
            HelpName = helpName,
            Description = description,
            Arity = new ArgumentArity(1, MaxRepeats),
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                // The last occurrence wins, as with the other configuration sources: scripts append overrides.
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                if (tryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"{name}: '{text}' is not {expected}.");
                return default!;
            },
        };
        if (hasDefault)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        return option;
    }
}
