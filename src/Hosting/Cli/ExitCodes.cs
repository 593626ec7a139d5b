namespace EnsembleGrpc.Hosting.Cli;

/// <summary>The exit codes of the servers (worker and router), the same for both so scripts can tell failures apart.</summary>
public static class ExitCodes
{
    /// <summary>Clean exit (also after <c>--help</c> and <c>--version</c>).</summary>
    public const int Success = 0;

    /// <summary>The server started but failed while running (the worker: a model failed to load).</summary>
    public const int Failure = 1;

    /// <summary>A bad command line or an invalid configuration: nothing was started.</summary>
    public const int Usage = 2;

    /// <summary>The listen address is taken by another process.</summary>
    public const int AddressInUse = 3;
}
