namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// A command line that does not parse (an unknown option, a value of the wrong type). Thrown by the hosts' Build methods,
/// which tests call in-process; the RunAsync path reports the same problems as one line each and exits with
/// <see cref="ExitCodes.Usage"/>.
/// </summary>
public sealed class CommandLineException : Exception
{
    public CommandLineException()
        : this([])
    {
    }

    public CommandLineException(string message)
        : this([message])
    {
    }

    public CommandLineException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public CommandLineException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    /// <summary>Every problem, each naming the option, the value given and what is accepted.</summary>
    public IReadOnlyList<string> Errors { get; }
}
