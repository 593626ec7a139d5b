namespace TransportBench;

/// <summary>The repository this build lives in (python_bench_client.py and the proto are read from it).</summary>
internal static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EnsembleGrpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EnsembleGrpc.sln not found above " + AppContext.BaseDirectory);
    }
}
