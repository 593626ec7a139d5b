namespace EnsembleGrpc.Interop.Tests.Infrastructure;

/// <summary>
/// The Node.js peer's environment, prepared once per test process: finds <c>node</c> on PATH (a clear failure when
/// it is missing: CI has it) and runs scripts/ensure-node-grpc.sh, which installs the pinned @grpc/grpc-js and
/// @grpc/proto-loader into tests/interop/node/node_modules with <c>npm ci</c> when they are not there yet.
/// </summary>
public sealed class NodeEnvironment
{
    private static readonly Lazy<Task<NodeEnvironment>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private NodeEnvironment(string node) => Node = node;

    /// <summary>The node executable's full path.</summary>
    public string Node { get; }

    public static Task<NodeEnvironment> GetAsync() => Shared.Value;

    private static async Task<NodeEnvironment> CreateAsync()
    {
        var node = FindOnPath("node") ?? throw new InvalidOperationException(
            "node is not on PATH: the interop tests run tests/interop/node/client.js (@grpc/grpc-js) with Node.js >= 18 " +
            "and npm. Install Node.js (Debian: apt-get install nodejs npm) and run scripts/ensure-node-grpc.sh.");
        await PythonEnvironment.RunAsync("/bin/bash", [RepoPaths.NodeEnsureScript], TimeSpan.FromMinutes(10));
        return new NodeEnvironment(node);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
