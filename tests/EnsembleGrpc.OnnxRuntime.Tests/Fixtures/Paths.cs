namespace EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

/// <summary>Where the test inputs live: this project's Fixtures folder and the repository's models folder.</summary>
internal static class Paths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    public static string RepositoryRoot => Root.Value;

    public static string Fixture(string fileName) =>
        Path.Combine(RepositoryRoot, "tests", "EnsembleGrpc.OnnxRuntime.Tests", "Fixtures", fileName);

    public static string Model(string name) => Path.Combine(RepositoryRoot, "models", name, "1", "model.onnx");

    public static string ModelData(string fileName) => Path.Combine(RepositoryRoot, "models", "data", fileName);

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EnsembleGrpc.sln")) || File.Exists(Path.Combine(directory.FullName, "EnsembleGrpc.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EnsembleGrpc.sln above {AppContext.BaseDirectory}.");
    }
}
