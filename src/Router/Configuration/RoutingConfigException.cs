namespace EnsembleGrpc.Router.Configuration;

/// <summary>The routing file cannot be used; <see cref="Errors"/> lists every problem found.</summary>
public sealed class RoutingConfigException : Exception
{
    public RoutingConfigException(string source, IReadOnlyList<string> errors)
        : base($"The routing configuration '{source}' has {errors.Count} problem(s):{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}")
    {
        Source = source;
        Errors = errors;
    }

    public RoutingConfigException()
        : this("(unknown)", [])
    {
    }

    public RoutingConfigException(string message)
        : base(message)
    {
        Source = "(unknown)";
        Errors = [message];
    }

    public RoutingConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = "(unknown)";
        Errors = [message];
    }

    public new string Source { get; }

    public IReadOnlyList<string> Errors { get; }
}
