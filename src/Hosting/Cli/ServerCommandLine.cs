using System.CommandLine;
using EnsembleGrpc.Hosting.Logs;

namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// A server's command line (System.CommandLine): its own options plus <c>--log-level</c> and <c>--log-format</c>,
/// <c>--help</c> with every option's description and default, <c>--version</c>, and generic <c>--Section:Key value</c>
/// settings (<see cref="ConfigurationOverrides"/>). Parsing never throws and never prints: the caller decides.
/// </summary>
public sealed class ServerCommandLine
{
    private const string SettingsNote =
        "\n\nEvery setting can also come from ENSEMBLEGRPC_<Section>__<Key> environment variables, or be given here as "
        + "--<Section>:<Key> <value> (e.g. --Logging:LogLevel:Grpc Debug); the command line wins.";

    private readonly IReadOnlyList<ServerOption> _options;

    public ServerCommandLine(string description, IEnumerable<ServerOption> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = [.. options, .. LogOptions()];
        Root = new RootCommand(description + SettingsNote);
        foreach (var option in _options)
        {
            Root.Options.Add(option.Option);
        }
    }

    public RootCommand Root { get; }

    public CommandLineParse Parse(IReadOnlyList<string> args)
    {
        var (remaining, settings, settingErrors) = ConfigurationOverrides.Split(args);
        var result = Root.Parse(remaining);
        var unmatched = result.UnmatchedTokens;
        List<string> errors =
        [
            .. settingErrors,
            .. unmatched.Select(token => Unmatched(token, remaining)),
            .. result.Errors.Select(e => e.Message).Where(message => !unmatched.Any(token => message.Contains($"'{token}'", StringComparison.Ordinal))),
        ];

        // Values are only read from a clean parse: reading an option that failed to parse throws.
        IReadOnlyList<KeyValuePair<string, string?>> configuration = errors.Count > 0 ? [] : [.. _options.SelectMany(o => o.ToConfiguration(result)), .. settings];
        return new CommandLineParse(result, errors, configuration);
    }

    /// <summary>One line for a token no option took: an unknown option, or a word after a switch that is not true/false.</summary>
    private string Unmatched(string token, IReadOnlyList<string> args)
    {
        if (token.StartsWith('-'))
        {
            return $"{token}: unknown option (--help lists them all).";
        }

        var index = args.ToList().IndexOf(token);
        var previous = index > 0 ? _options.FirstOrDefault(o => o.IsFlag && o.Option.Name == args[index - 1]) : null;
        return previous is not null
            ? $"{previous.Option.Name}: '{token}' is not true or false (the switch alone means true)."
            : $"'{token}': unexpected argument (options take the form --name value; --help lists them all).";
    }

    private static IEnumerable<ServerOption> LogOptions()
    {
        yield return ServerOption.Choice(
            "--log-level",
            "level",
            "Lowest level logged: Trace, Debug, Information, Warning, Error, Critical or None. Per-request lines of ASP.NET Core, gRPC and HttpClient only show at Debug and below; "
            + "the start-up lines (Now listening on) show at every level.",
            ServerLogs.DefaultLevel,
            ServerLogs.Levels,
            ServerLogs.ForLevel);
        yield return ServerOption.Choice(
            "--log-format",
            ServerLogs.FormatKey,
            "text|json",
            "Console log format: text (two lines per entry) or json (one JSON object per line).",
            ServerLogs.TextFormat,
            ServerLogs.Formats);
    }
}
