using System.CommandLine;
using System.CommandLine.Help;

namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// A parsed server command line: either a request for help or the version, or problems (one line each), or the
/// configuration entries that the given options and <c>--Section:Key</c> settings amount to.
/// </summary>
public sealed class CommandLineParse
{
    internal CommandLineParse(ParseResult result, IReadOnlyList<string> errors, IReadOnlyList<KeyValuePair<string, string?>> configuration)
    {
        Result = result;
        Errors = errors;
        Configuration = configuration;
    }

    public ParseResult Result { get; }

    /// <summary>Each problem as one line naming the option, the value given and what is accepted.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Configuration keys and values, in the order they apply (later ones win).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Configuration { get; }

    /// <summary><c>--help</c> (<c>-h</c>, <c>-?</c>) or <c>--version</c> was asked for: print it and start nothing.</summary>
    public bool IsInformational => Result.Action is HelpAction || Result.Action == Result.RootCommandResult.Command.Options.OfType<VersionOption>().FirstOrDefault()?.Action;

    /// <summary>Throws <see cref="CommandLineException"/> when the command line has problems.</summary>
    public CommandLineParse ThrowIfInvalid() => Errors.Count == 0 ? this : throw new CommandLineException(Errors);

    /// <summary>Prints the help or the version to <paramref name="output"/>.</summary>
    public int PrintInformation(TextWriter output)
        => Result.Invoke(new InvocationConfiguration { Output = output, Error = output, EnableDefaultExceptionHandler = false });
}
