namespace EnsembleGrpc.Router.Experiments;

/// <summary>Resolves the <c>--state</c> setting: empty → <c>router-state.db</c> beside the routing file.</summary>
public static class ExperimentStatePaths
{
    public const string DefaultFileName = "router-state.db";

    /// <summary>Keeps nothing on disk (an in-memory database for the life of the process).</summary>
    public const string InMemory = ":memory:";

    /// <summary>No store at all.</summary>
    public const string Disabled = "none";

    public static string Resolve(string? state, string routingFile) =>
        string.IsNullOrWhiteSpace(state)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(routingFile))!, DefaultFileName)
            : state;
}
