using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Faults;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Faults;

/// <summary>
/// The managed-worker fault against a real worker process (EnsembleGrpc.InferenceServer.dll from the test output)
/// on 127.0.0.1: pause with SIGSTOP / SIGCONT, and stop / start again on the same port.
/// </summary>
public sealed class ManagedWorkerFaultInjectorTests
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShortDeadline = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Pause_stops_answers_until_the_worker_is_continued_and_dispose_kills_it()
    {
        var port = FreePort();
        var injector = new ManagedWorkerFaultInjector("mnist", WorkerCommandLine(port), FaultAction.Pause, ReadyTimeout);
        int? pid = null;
        try
        {
            await injector.PrepareAsync(CancellationToken.None);
            pid = injector.ProcessId;
            Assert.NotNull(pid);
            await using var backend = new GrpcInferenceBackend($"http://127.0.0.1:{port}", 1, ShortDeadline);
            await WaitUntilAnsweredAsync(backend);

            await injector.BeginAsync(CancellationToken.None);
            Assert.Equal('T', ProcessState(pid.Value));
            Assert.Equal(StatusCode.DeadlineExceeded, (await backend.InferAsync(Request(), CancellationToken.None)).Status);

            await injector.EndAsync(CancellationToken.None);
            Assert.NotEqual('T', ProcessState(pid.Value));
            await WaitUntilAnsweredAsync(backend);
            Assert.Equal(StatusCode.OK, (await backend.InferAsync(Request(), CancellationToken.None)).Status);

            // Dispose while paused: the worker is continued and killed, never left stopped.
            await injector.BeginAsync(CancellationToken.None);
        }
        finally
        {
            await injector.DisposeAsync();
            KillIfAlive(pid);
        }

        Assert.Null(injector.ProcessId);
        Assert.False(IsAlive(pid!.Value), $"worker {pid} should be gone after dispose");
    }

    [Fact]
    public async Task Stop_kills_the_worker_and_end_starts_it_again_on_the_same_port()
    {
        var port = FreePort();
        var injector = new ManagedWorkerFaultInjector("mnist", WorkerCommandLine(port), FaultAction.Stop, ReadyTimeout);
        var pids = new List<int>();
        try
        {
            await injector.PrepareAsync(CancellationToken.None);
            var first = injector.ProcessId!.Value;
            pids.Add(first);
            await using var backend = new GrpcInferenceBackend($"http://127.0.0.1:{port}", 1, TimeSpan.FromSeconds(5));
            await WaitUntilAnsweredAsync(backend);

            await injector.BeginAsync(CancellationToken.None);
            Assert.False(IsAlive(first), "the worker should have exited when the fault began");
            Assert.Equal(StatusCode.Unavailable, (await backend.InferAsync(Request(), CancellationToken.None)).Status);

            await injector.EndAsync(CancellationToken.None);
            var second = injector.ProcessId!.Value;
            pids.Add(second);
            Assert.NotEqual(first, second);
            Assert.True(IsAlive(second));
            await WaitUntilAnsweredAsync(backend);
        }
        finally
        {
            await injector.DisposeAsync();
            foreach (var pid in pids)
            {
                KillIfAlive(pid);
            }
        }

        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"worker {pid} should be gone after dispose"));
    }

    [Fact]
    public async Task A_worker_that_exits_before_it_is_ready_fails_prepare()
    {
        await using var injector = new ManagedWorkerFaultInjector("broken", "echo starting; exit 3", FaultAction.Stop, ReadyTimeout);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => injector.PrepareAsync(CancellationToken.None));
        Assert.Contains("exited before it was ready", error.Message);
    }

    /// <summary>
    /// "Now listening on" comes before the model has loaded: poll with short calls (each bounded by the backend's
    /// deadline) until one answers OK, for at most 30 s.
    /// </summary>
    private static async Task WaitUntilAnsweredAsync(GrpcInferenceBackend backend)
    {
        var watch = Stopwatch.StartNew();
        InferOutcome outcome;
        do
        {
            outcome = await backend.InferAsync(Request(), CancellationToken.None);
            if (outcome.IsSuccess)
            {
                Assert.NotNull(outcome.Predictions);
                return;
            }

            await Task.Yield();
        }
        while (watch.Elapsed < ReadyTimeout);

        Assert.Fail($"the worker did not answer within {ReadyTimeout}: {outcome.Status} {outcome.Error}");
    }

    private static InferRequestData Request() => new()
    {
        Model = "mnist_cnn_1",
        InputName = "input",
        Shape = [1, 1, 28, 28],
        RawInput = new byte[28 * 28 * sizeof(float)],
        OutputName = "probabilities",
    };

    private static string WorkerCommandLine(int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "EnsembleGrpc.InferenceServer.dll");
        Assert.True(File.Exists(dll), dll);
        var models = Path.Combine(RepoRoot(), "models");
        return $"dotnet '{dll}' --repository '{models}' --models mnist_cnn_1 --host 127.0.0.1 --port {port}";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The state letter from /proc/PID/stat ('T' = stopped), or '\0' when there is no such process.</summary>
    private static char ProcessState(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return '\0';
        }
    }

    private static bool IsAlive(int pid) => ProcessState(pid) is not '\0' and not 'Z' and not 'X';

    private static void KillIfAlive(int? pid)
    {
        if (pid is { } id && IsAlive(id))
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EnsembleGrpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
