using System.Globalization;
using System.Text.Json;
using TransportBench.Measurement;
using TransportBench.Processes;

namespace TransportBench.Peers;

/// <summary>The python grpcio client process (bench/python_bench_client.py): warmed up, then one sequential and one
/// concurrent phase per repetition, each started by a go-ahead on its stdin so the server's counters bracket it exactly.</summary>
internal sealed class PythonRun : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly ChildProcess _python;
    private readonly ServerProcess _server;
    private readonly string _genDir;
    private readonly TimeSpan _phaseTimeout;
    private JsonElement? _pendingPhase; // a "phase" line read ahead (the end of the warm-up)

    private PythonRun(ChildProcess python, ServerProcess server, string genDir, BenchOptions o, string serverName)
    {
        _python = python;
        _server = server;
        _genDir = genDir;
        _phaseTimeout = TimeSpan.FromSeconds(60 + o.ConcSeconds + o.SeqSeconds);
        Scenarios =
        [
            new Scenario("python-seq", $"python grpcio -> {serverName}, sequential"),
            new Scenario("python-conc", $"python grpcio -> {serverName}, {o.Concurrency} in flight"),
        ];
    }

    public List<Scenario> Scenarios { get; }

    /// <summary>Debian's python3 with grpc and protobuf, and protoc: present or not (then python is skipped).</summary>
    public static async Task<bool> AvailableAsync()
    {
        if (!File.Exists(Python) || Executables.Find("protoc") is null)
        {
            return false;
        }

        var check = await Executables.RunAsync(Python, ["-c", "import grpc, google.protobuf"], TimeSpan.FromSeconds(30));
        return check.ExitCode == 0;
    }

    public static async Task<PythonRun> StartAsync(string root, ServerProcess server, BenchOptions o, string serverName)
    {
        var genDir = Path.Combine(Path.GetTempPath(), $"transportbench-py-{Environment.ProcessId}");
        Directory.CreateDirectory(genDir);
        var proto = Path.Combine(root, "bench", "TransportBench", "Protos", "test_service.proto");
        var protoc = await Executables.RunAsync("protoc", ["--python_out=" + genDir, "-I", Path.GetDirectoryName(proto)!, proto], TimeSpan.FromSeconds(60));
        if (protoc.ExitCode != 0)
        {
            throw new InvalidOperationException("protoc failed:\n" + protoc.Stderr);
        }

        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        var python = ChildProcess.Start(Python, [
                "-u", Path.Combine(root, "bench", "python_bench_client.py"),
                "--target", $"127.0.0.1:{server.Port}", "--gen-dir", genDir, "--payload", F(o.Payload),
                "--warmup-seconds", "1", "--seq-seconds", F(o.SeqSeconds), "--conc-seconds", F(o.ConcSeconds),
                "--concurrency", F(o.Concurrency), "--reps", F(o.Reps), "--sync",
            ],
            new Dictionary<string, string?> { ["PYTHONPATH"] = null, ["PYTHONHOME"] = null, ["PYTHONDONTWRITEBYTECODE"] = "1" });
        var run = new PythonRun(python, server, genDir, o, serverName);
        await run.NextPhaseAsync(); // warm-up done: it now waits for the first go-ahead
        return run;
    }

    public async Task RepetitionAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var phase = await NextPhaseAsync();
            _pendingPhase = null;
            var name = phase.GetProperty("name").GetString();
            var before = await _server.StatsAsync();
            await _python.SendAsync("go");
            var r = await _python.NextAsync(_phaseTimeout, "seq", "conc");
            var after = await _server.StatsAsync();
            var rep = new Rep(
                r.GetProperty("rps").GetDouble(),
                r.GetProperty("calls").GetInt64(),
                r.TryGetProperty("p50_us", out var p50) ? p50.GetDouble() : null,
                r.TryGetProperty("p99_us", out var p99) ? p99.GetDouble() : null,
                Failed: r.TryGetProperty("failed", out var f) ? f.GetInt64() : 0);
            Scenarios[name == "seq" ? 0 : 1].Reps.Add(rep.WithServer(before, after));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _python.DisposeAsync();
        Directory.Delete(_genDir, recursive: true);
    }

    private async Task<JsonElement> NextPhaseAsync()
    {
        _pendingPhase ??= await _python.NextAsync(_phaseTimeout, "phase");
        return _pendingPhase.Value;
    }
}
