using System.Globalization;
using System.Text.Json;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;

namespace EnsembleGrpc.Router.Tests.Rollouts;

/// <summary>
/// Issue 11's experiment as an operator runs it, every part a real process on 127.0.0.1: one worker serving the three
/// MNIST members and <c>mnist_cnn_weak</c> (real ONNX models), a router on the committed config/canary-weak.json (its
/// canary starts with the router; only the endpoint, the repository and optionally the candidate are replaced),
/// LoadGen in feedback mode following the rollout, and beside it <c>ensemble.py rollout wait</c>. Routing keys make the
/// arm of every request a fixed function of its number (sticky hashing), so a rerun sends the same digits to the same
/// arms; only the ticks' timing varies.
/// </summary>
internal sealed class CanaryExperiment : IAsyncDisposable
{
    public const string Token = "demo-token";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private readonly TestFiles _files = new();
    private readonly List<ServerProcess> _processes = [];

    /// <summary>LoadGen's and <c>rollout wait</c>'s exit codes, the experiment report LoadGen wrote, and its files.</summary>
    public sealed record Result(int LoadGenExit, int WaitExit, string WaitOutput, JsonDocument Experiment, IReadOnlyList<string> Files, string Console);

    public static string ConfigText(string worker, string? candidate = null)
    {
        string text = File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "canary-weak.json"));
        string replaced = Replace(Replace(text, "http://127.0.0.1:8001", worker), "\"../models\"", JsonSerializer.Serialize(RepoPaths.Models));
        return candidate is null ? replaced : Replace(replaced, "\"candidate\": \"weak\"", $"\"candidate\": \"{candidate}\"");
    }

    /// <summary>The router's gRPC port, once <see cref="StartAsync"/> has returned.</summary>
    public string Port { get; private set; } = "";

    /// <summary>The worker and the router; the file's canary starts with the router, at its first step.</summary>
    public async Task StartAsync(string? candidate = null, params string[] routerArgs)
    {
        var worker = Start("EnsembleGrpc.InferenceServer.dll", "--repository", RepoPaths.Models, "--models", "mnist_cnn_1,mnist_cnn_2,mnist_cnn_3,mnist_cnn_weak",
            "--host", "127.0.0.1", "--port", "0", "--log-level", "Warning");
        int workerPort = await worker.ListeningPortAsync();
        await worker.WaitForLineAsync(l => l.StartsWith("EnsembleGrpc worker ready:", StringComparison.Ordinal));
        string routing = _files.Write("routing.json", ConfigText($"http://127.0.0.1:{workerPort}", candidate));
        var router = Start("EnsembleGrpc.Router.dll", ["--config", routing, "--port", "0", "--state", "none", "--watch", "false", "--Rollouts:TickMs", "200", .. routerArgs]);
        Port = (await router.ListeningPortAsync()).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>LoadGen in feedback mode following the rollout, with <c>ensemble.py rollout wait</c> beside it.</summary>
    public async Task<Result> RunTrafficAsync()
    {
        string prefix = Path.Combine(_files.Directory, "out", "canary");
        var wait = EnsembleCli.RunAsync(Limit, "rollout", "wait", "--target", "127.0.0.1:" + Port, "--interval", "0.5", "--wait-timeout", "90");
        var loadgen = Start("EnsembleGrpc.LoadGen.dll", "--target", "http://127.0.0.1:" + Port, "--model", "mnist", "--rate", "100", "--routing-key", "req-{i}",
            "--feedback", "--admin-token", Token, "--rollout", "mnist", "--rollout-poll", "250ms", "--duration", "60s",
            "--warmup", "1s", "--measurement-window", "1s", "--no-live", "--no-server-stats", "--output", prefix);
        int loadgenExit = await loadgen.WaitForExitAsync();
        var (waitExit, waitOutput) = await wait;
        string console = string.Join('\n', loadgen.Output);
        var experiment = JsonDocument.Parse(await File.ReadAllTextAsync(prefix + "-rollout.json"));
        return new Result(loadgenExit, waitExit, waitOutput, experiment, Directory.GetFiles(Path.GetDirectoryName(prefix)!), console);
    }

    public async Task<Result> RunAsync(string? candidate = null)
    {
        await StartAsync(candidate);
        return await RunTrafficAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        _files.Dispose();
    }

    private ServerProcess Start(string dll, params string[] args)
    {
        var process = ServerProcess.Start(dll, args);
        _processes.Add(process);
        return process;
    }

    private static string Replace(string text, string from, string to) => text.Contains(from, StringComparison.Ordinal)
        ? text.Replace(from, to, StringComparison.Ordinal)
        : throw new InvalidOperationException($"config/canary-weak.json no longer holds {from}");
}
