namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// The experiment-state file can neither be opened nor moved aside (a directory in the way, no permission): the
/// router stops with this one-line message rather than start without the place its runtime decisions go.
/// </summary>
public sealed class ExperimentStateException : Exception
{
    public ExperimentStateException()
    {
    }

    public ExperimentStateException(string message)
        : base(message)
    {
    }

    public ExperimentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
