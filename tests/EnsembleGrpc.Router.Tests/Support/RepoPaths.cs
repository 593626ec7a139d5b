namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>Paths in the repository (tests run from bin/; the repository root is found by its solution file).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EnsembleGrpc.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("EnsembleGrpc.sln not found above " + AppContext.BaseDirectory);
    }
}
