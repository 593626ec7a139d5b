using System.Diagnostics;

namespace EnsembleGrpc.Interop.Tests.Infrastructure;

/// <summary>
/// Shared by every interop test (one per test process, <see cref="GetAsync"/>): makes sure Debian's python3-grpcio, python3-protobuf and protoc
/// are installed (scripts/ensure-python-grpc.sh, which installs them with apt-get when missing, so this runs in CI),
/// then generates the python message modules for the test service, the inference and admin protocols and
/// grpc.health.v1 into a temp dir.
/// </summary>
public sealed class PythonEnvironment
{
    private static readonly Lazy<Task<PythonEnvironment>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private PythonEnvironment()
    {
    }

    /// <summary>Where the generated *_pb2.py modules are (passed to the python peers as --gen-dir).</summary>
    public string GeneratedDir { get; } = Path.Combine(Path.GetTempPath(), "ensemblegrpc-interop-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The process-wide environment, prepared on first use (a failure is reported to every test that needs it).</summary>
    public static Task<PythonEnvironment> GetAsync() => Shared.Value;

    private static async Task<PythonEnvironment> CreateAsync()
    {
        var env = new PythonEnvironment();
        await env.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => env.Cleanup();
        return env;
    }

    private async Task InitializeAsync()
    {
        // apt-get may have to download on a fresh machine: generous but bounded.
        await RunAsync("/bin/bash", [RepoPaths.EnsureScript], TimeSpan.FromMinutes(15));

        Directory.CreateDirectory(GeneratedDir);
        await RunAsync("protoc", ["--python_out=" + GeneratedDir, "-I", Path.GetDirectoryName(RepoPaths.TestProto)!, RepoPaths.TestProto], TimeSpan.FromSeconds(60));
        await RunAsync("protoc", ["--python_out=" + GeneratedDir, "-I", RepoPaths.ProtosDir, RepoPaths.InferenceProto, RepoPaths.ModelConfigProto, RepoPaths.AdminProto], TimeSpan.FromSeconds(60));
        await RunAsync("protoc", ["--python_out=" + GeneratedDir, "-I", Path.GetDirectoryName(RepoPaths.HealthProto)!, RepoPaths.HealthProto], TimeSpan.FromSeconds(60));
        if (!File.Exists(Path.Combine(GeneratedDir, "test_service_pb2.py")))
        {
            throw new InvalidOperationException($"protoc did not produce test_service_pb2.py in {GeneratedDir}.");
        }
    }

    private void Cleanup()
    {
        try
        {
            Directory.Delete(GeneratedDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }

    internal static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.\n{await stdout}\n{await stderr}");
        }
    }
}

/// <summary>All interop tests run one after another: each direction starts its peers once, and timing-sensitive cases
/// (deadlines) are not squeezed by a parallel collection on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "Interop with python grpcio";
}
