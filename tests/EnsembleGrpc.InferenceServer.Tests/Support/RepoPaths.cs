namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>Paths in the source tree, found from the test binaries by walking up to the solution file.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    public static string MnistTestSplit => Path.Combine(Models, "data", "mnist-test.bin");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EnsembleGrpc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EnsembleGrpc.sln above {AppContext.BaseDirectory}");
    }
}
