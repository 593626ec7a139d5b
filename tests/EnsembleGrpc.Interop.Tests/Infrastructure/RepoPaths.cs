namespace EnsembleGrpc.Interop.Tests.Infrastructure;

/// <summary>Paths in the repository, found from the test assembly's directory (works from bin/ and from CI).</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string InteropDir => Path.Combine(Root, "tests", "interop");

    public static string TestProto => Path.Combine(Root, "tests", "EnsembleGrpc.Interop.Tests", "Protos", "test_service.proto");

    public static string NodeDir => Path.Combine(InteropDir, "node");

    public static string ProtosDir => Path.Combine(Root, "protos");

    public static string InferenceProto => Path.Combine(ProtosDir, "inference.proto");

    /// <summary>Triton's model configuration messages, imported by inference.proto.</summary>
    public static string ModelConfigProto => Path.Combine(ProtosDir, "model_config.proto");

    public static string AdminProto => Path.Combine(ProtosDir, "router_admin.proto");

    /// <summary>grpc.health.v1, vendored for the peers (Debian's python3-grpcio has no grpc_health).</summary>
    public static string HealthProto => Path.Combine(InteropDir, "protos", "health.proto");

    public static string Models => Path.Combine(Root, "models");

    public static string NodeEnsureScript => Path.Combine(Root, "scripts", "ensure-node-grpc.sh");

    public static string EnsureScript => Path.Combine(Root, "scripts", "ensure-python-grpc.sh");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EnsembleGrpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No EnsembleGrpc.sln above {AppContext.BaseDirectory}.");
    }
}
