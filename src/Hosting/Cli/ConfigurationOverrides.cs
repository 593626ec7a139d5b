namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// Generic configuration settings on the command line, <c>--Section:Key value</c> or <c>--Section:Key=value</c>
/// (e.g. <c>--Logging:LogLevel:Default Warning</c>): any key of the configuration, beside the named options. A colon in
/// the name tells them apart, so a misspelt named option is still reported as unknown.
/// </summary>
public static class ConfigurationOverrides
{
    /// <summary>Splits <paramref name="args"/> into the tokens for the parser and the configuration settings.</summary>
    public static (IReadOnlyList<string> Remaining, IReadOnlyList<KeyValuePair<string, string?>> Settings, IReadOnlyList<string> Errors) Split(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = new List<string>(args.Count);
        var settings = new List<KeyValuePair<string, string?>>();
        var errors = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (!IsSetting(args[i]))
            {
                rest.Add(args[i]);
                continue;
            }

            var token = args[i][2..];
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                settings.Add(new(token[..equals], token[(equals + 1)..]));
            }
            else if (i + 1 < args.Count)
            {
                settings.Add(new(token, args[++i]));
            }
            else
            {
                errors.Add($"--{token}: a configuration setting needs a value (--{token} <value>).");
            }
        }

        return (rest, settings, errors);
    }

    private static bool IsSetting(string token)
    {
        if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length < 3)
        {
            return false;
        }

        var equals = token.IndexOf('=', StringComparison.Ordinal);
        var name = equals >= 0 ? token[2..equals] : token[2..];
        return name.Contains(':', StringComparison.Ordinal) && !name.StartsWith(':') && !name.EndsWith(':');
    }
}
