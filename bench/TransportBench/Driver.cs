using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EnsembleGrpc.Grpc.Client;
using EnsembleGrpc.Grpc.Tests.Protos;
using Google.Protobuf;

namespace TransportBench;

/// <summary>One repetition's figures; null where a scenario cannot measure that figure.</summary>
internal sealed record Rep(
    double Rps,
    long Calls,
    double? P50Us = null,
    double? P99Us = null,
    double? ClientBytesPerCall = null,
    double? ClientCpuUsPerCall = null,
    double? ServerBytesPerCall = null,
    double? ServerCpuUsPerCall = null,
    long Failed = 0,
    long? ServerCalls = null);

internal sealed class Scenario(string key, string name)
{
    public string Key { get; } = key;

    public string Name { get; } = name;

    public List<Rep> Reps { get; } = [];

    public double? Median(Func<Rep, double?> field)
    {
        var values = Reps.Select(field).Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (values.Length == 0)
        {
            return null;
        }

        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}

internal readonly record struct ServerStats(long Allocated, long Calls, double CpuMs);

internal static partial class Driver
{
    private static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var root = FindRepoRoot();
        var scenarios = new List<Scenario>();
        PrintHeader(o);

        await using var server = StartServer();
        var listening = await server.NextAsync(TimeSpan.FromSeconds(60), "listening");
        var port = listening.GetProperty("port").GetInt32();
        var serverGc = listening.GetProperty("server_gc").GetBoolean() ? "server" : "workstation";
        Console.WriteLine($"server: separate process (TransportBench server), Kestrel h2c on 127.0.0.1:{port}, {serverGc} GC");
        Console.WriteLine();

        var payload = ByteString.CopyFrom(Enumerable.Repeat((byte)'x', o.Payload).ToArray());
        var request = new EchoRequest { Payload = payload };

        // Set-up and warm-up of every client first; then the repetitions go round-robin over the scenarios, so a change
        // in the machine's load (shared cores) hits every scenario alike and the paired ratios stay meaningful.
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions { Connections = o.Connections });
        var client = new TestService.TestServiceClient(channel);
        Progress($"ours: warm-up {o.WarmupSeconds:0.#} s");
        await SequentialAsync(client, request, o.WarmupSeconds / 2, new long[1 << 20]);
        await ConcurrentAsync(client, request, o.WarmupSeconds / 2, o.Concurrency);
        var oursSeq = new Scenario("ours-seq", "ours -> ours, sequential");
        var oursConc = new Scenario("ours-conc", $"ours -> ours, {o.Concurrency} concurrent, {o.Connections} conn");
        scenarios.Add(oursSeq);
        scenarios.Add(oursConc);
        var latencies = new long[4 << 20];

        H2loadRun? h2 = null;
        if (!o.SkipH2load)
        {
            var h2load = FindOnPath("h2load");
            if (h2load is null)
            {
                Console.WriteLine("h2load not found (apt-get install nghttp2-client; bench/transport.sh does it): skipped");
            }
            else
            {
                h2 = await H2loadRun.StartAsync(h2load, port, request, o);
                scenarios.AddRange(h2.Scenarios);
            }
        }

        PythonRun? py = null;
        if (!o.SkipPython)
        {
            if (await PythonGrpcAvailableAsync())
            {
                Progress("python: start + warm-up");
                py = await PythonRun.StartAsync(root, port, o);
                scenarios.AddRange(py.Scenarios);
            }
            else
            {
                Console.WriteLine("/usr/bin/python3 with grpc, or protoc, not found (scripts/ensure-python-grpc.sh installs them): python skipped");
            }
        }

        try
        {
            for (var rep = 0; rep < o.Reps; rep++)
            {
                Progress($"repetition {rep + 1}/{o.Reps}: ours");
                oursSeq.Reps.Add(await MeasureOursAsync(server, () => SequentialAsync(client, request, o.SeqSeconds, latencies)));
                oursConc.Reps.Add(await MeasureOursAsync(server, () => ConcurrentAsync(client, request, o.ConcSeconds, o.Concurrency)));
                if (h2 is not null)
                {
                    Progress($"repetition {rep + 1}/{o.Reps}: h2load (-n {h2.N})");
                    await h2.RepetitionAsync(server);
                }

                if (py is not null)
                {
                    Progress($"repetition {rep + 1}/{o.Reps}: python");
                    await py.RepetitionAsync(server);
                }
            }
        }
        finally
        {
            h2?.Dispose();
            if (py is not null)
            {
                await py.DisposeAsync();
            }
        }

        await server.SendAsync("quit");
        Console.WriteLine();
        PrintTable(scenarios, o);
        return 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    private static ChildProcess StartServer()
    {
        var self = Environment.ProcessPath!;
        var isDotnetHost = Path.GetFileNameWithoutExtension(self) == "dotnet";
        string[] args = isDotnetHost ? [typeof(Driver).Assembly.Location, "server"] : ["server"];
        return ChildProcess.Start(self, args);
    }

    private static async Task<ServerStats> ServerStatsAsync(ChildProcess server)
    {
        await server.SendAsync("stats");
        var s = await server.NextAsync(ControlTimeout, "stats");
        return new ServerStats(s.GetProperty("allocated").GetInt64(), s.GetProperty("calls").GetInt64(), s.GetProperty("cpu_ms").GetDouble());
    }

    private static Rep WithServer(Rep rep, ServerStats before, ServerStats after)
    {
        var calls = after.Calls - before.Calls;
        if (calls <= 0)
        {
            return rep;
        }

        return rep with
        {
            ServerCalls = calls,
            ServerBytesPerCall = (double)(after.Allocated - before.Allocated) / calls,
            ServerCpuUsPerCall = (after.CpuMs - before.CpuMs) * 1000 / calls,
        };
    }

    private static async Task<Rep> MeasureOursAsync(ChildProcess server, Func<Task<Rep>> run)
    {
        var before = await ServerStatsAsync(server);
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var rep = await run();
        var alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        var cpu1 = process.TotalProcessorTime;
        var after = await ServerStatsAsync(server);
        rep = rep with
        {
            ClientBytesPerCall = (double)(alloc1 - alloc0) / rep.Calls,
            ClientCpuUsPerCall = (cpu1 - cpu0).TotalMicroseconds / rep.Calls,
        };
        return WithServer(rep, before, after);
    }

    private static async Task<Rep> SequentialAsync(TestService.TestServiceClient client, EchoRequest request, double seconds, long[] latencies)
    {
        var duration = Stopwatch.Frequency * seconds;
        var n = 0;
        var start = Stopwatch.GetTimestamp();
        long now;
        do
        {
            var t0 = Stopwatch.GetTimestamp();
            await client.EchoAsync(request);
            now = Stopwatch.GetTimestamp();
            latencies[n++] = now - t0;
        }
        while (now - start < duration && n < latencies.Length);

        var elapsed = (double)(now - start) / Stopwatch.Frequency;
        Array.Sort(latencies, 0, n);
        double Us(double p) => latencies[Math.Min(n - 1, (int)Math.Round(p / 100 * (n - 1)))] * 1e6 / Stopwatch.Frequency;
        return new Rep(n / elapsed, n, Us(50), Us(99));
    }

    private static async Task<Rep> ConcurrentAsync(TestService.TestServiceClient client, EchoRequest request, double seconds, int concurrency)
    {
        var stop = false;
        var failed = 0L;
        var counts = new long[concurrency];

        async Task Worker(int index)
        {
            await Task.Yield();
            long local = 0;
            while (!Volatile.Read(ref stop))
            {
                try
                {
                    await client.EchoAsync(request);
                    local++;
                }
                catch (Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }

            counts[index] = local;
        }

        var sw = Stopwatch.StartNew();
        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Worker(i);
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = sw.Elapsed.TotalSeconds;
        var total = counts.Sum();
        return new Rep(total / elapsed, total, Failed: failed);
    }

    // ------------------------------------------------------------------------------------------------------------
    /// <summary>h2load against our server: the request body file, the calibrated -n, one scenario per -c.</summary>
    private sealed class H2loadRun : IDisposable
    {
        private readonly string _h2load;
        private readonly string _url;
        private readonly string _bodyFile;
        private readonly BenchOptions _o;

        private H2loadRun(string h2load, string url, string bodyFile, BenchOptions o)
        {
            _h2load = h2load;
            _url = url;
            _bodyFile = bodyFile;
            _o = o;
            Scenarios = [.. o.H2loadConns.Select(c => new Scenario($"h2load-c{c}", $"h2load -> ours, -c {c} -m {o.Concurrency}"))];
        }

        public List<Scenario> Scenarios { get; }

        public int N { get; private set; }

        public static async Task<H2loadRun> StartAsync(string h2load, int port, EchoRequest request, BenchOptions o)
        {
            // The same request body our client sends: one uncompressed gRPC message (5-byte prefix + protobuf).
            var message = request.ToByteArray();
            var body = new byte[5 + message.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)message.Length);
            message.CopyTo(body, 5);
            var bodyFile = Path.Combine(Path.GetTempPath(), $"transportbench-echo-{Environment.ProcessId}.bin");
            await File.WriteAllBytesAsync(bodyFile, body);
            var run = new H2loadRun(h2load, $"http://127.0.0.1:{port}/grpc.testing.ensemble.TestService/Echo", bodyFile, o);

            // Calibrate -n so one repetition lasts about --h2load-seconds (also warms the server up for this client).
            Progress("h2load: calibration");
            var calibration = await RunH2loadOnceAsync(h2load, run._url, bodyFile, 20_000, 1, o.Concurrency);
            run.N = (int)Math.Clamp(calibration.Rps * o.H2loadSeconds, 20_000, 2_000_000);
            return run;
        }

        public async Task RepetitionAsync(ChildProcess server)
        {
            for (var i = 0; i < _o.H2loadConns.Length; i++)
            {
                var before = await ServerStatsAsync(server);
                var r = await RunH2loadOnceAsync(_h2load, _url, _bodyFile, N, _o.H2loadConns[i], _o.Concurrency);
                var after = await ServerStatsAsync(server);
                r = WithServer(r, before, after);

                // h2load only sees HTTP 200; the handler's own call count proves each request was a served Echo.
                if (r.ServerCalls != r.Calls)
                {
                    Console.Error.WriteLine($"  !! h2load reported {r.Calls} successes, the server's Echo handler ran {r.ServerCalls ?? 0} times");
                    r = r with { Failed = r.Failed + Math.Abs(r.Calls - (r.ServerCalls ?? 0)) };
                }

                Scenarios[i].Reps.Add(r);
            }
        }

        public void Dispose() => File.Delete(_bodyFile);
    }

    private static async Task<Rep> RunH2loadOnceAsync(string h2load, string url, string bodyFile, int n, int conns, int streams)
    {
        var info = new ProcessStartInfo(h2load)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-n", n.ToString(CultureInfo.InvariantCulture), "-c", conns.ToString(CultureInfo.InvariantCulture),
                     "-m", streams.ToString(CultureInfo.InvariantCulture), "-t", "1", "--data=" + bodyFile,
                     "-H", "content-type: application/grpc", "-H", "te: trailers", url,
                 })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("h2load did not finish within 120 s");
        }

        var output = await stdout;
        var finished = FinishedRegex().Match(output);
        var requests = RequestsRegex().Match(output);
        if (process.ExitCode != 0 || !finished.Success || !requests.Success)
        {
            throw new InvalidOperationException($"h2load failed (exit {process.ExitCode}):\n{output}\n{await stderr}");
        }

        var succeeded = long.Parse(requests.Groups["ok"].Value, CultureInfo.InvariantCulture);
        var failed = long.Parse(requests.Groups["failed"].Value, CultureInfo.InvariantCulture)
                     + long.Parse(requests.Groups["errored"].Value, CultureInfo.InvariantCulture);
        var status2xx = Status2xxRegex().Match(output);
        if (!status2xx.Success || long.Parse(status2xx.Groups[1].Value, CultureInfo.InvariantCulture) != succeeded)
        {
            failed++;
        }

        return new Rep(double.Parse(finished.Groups["rps"].Value, CultureInfo.InvariantCulture), succeeded, Failed: failed);
    }

    [GeneratedRegex(@"finished in [\d.]+m?s, (?<rps>[\d.]+) req/s")]
    private static partial Regex FinishedRegex();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (?<ok>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored")]
    private static partial Regex RequestsRegex();

    [GeneratedRegex(@"status codes: (\d+) 2xx")]
    private static partial Regex Status2xxRegex();

    // ------------------------------------------------------------------------------------------------------------
    /// <summary>The python grpcio client process: warmed up, then one sequential and one concurrent phase per repetition,
    /// each started by a go-ahead on its stdin so the server's counters bracket it exactly.</summary>
    private sealed class PythonRun : IAsyncDisposable
    {
        private readonly ChildProcess _python;
        private readonly string _genDir;
        private readonly TimeSpan _phaseTimeout;
        private JsonElement? _pendingPhase; // a "phase" line read ahead (the end of the warm-up)

        private PythonRun(ChildProcess python, string genDir, BenchOptions o)
        {
            _python = python;
            _genDir = genDir;
            _phaseTimeout = TimeSpan.FromSeconds(60 + o.ConcSeconds + o.SeqSeconds);
            Scenarios = [new Scenario("python-seq", "python grpcio -> ours, sequential"), new Scenario("python-conc", $"python grpcio -> ours, {o.Concurrency} in flight")];
        }

        public List<Scenario> Scenarios { get; }

        public static async Task<PythonRun> StartAsync(string root, int port, BenchOptions o)
        {
            var genDir = Path.Combine(Path.GetTempPath(), $"transportbench-py-{Environment.ProcessId}");
            Directory.CreateDirectory(genDir);
            var proto = Path.Combine(root, "tests", "EnsembleGrpc.Grpc.Tests", "Protos", "test_service.proto");
            using (var protoc = Process.Start(new ProcessStartInfo("protoc", ["--python_out=" + genDir, "-I", Path.GetDirectoryName(proto)!, proto]) { UseShellExecute = false })!)
            {
                await protoc.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (protoc.ExitCode != 0)
                {
                    throw new InvalidOperationException("protoc failed");
                }
            }

            var python = ChildProcess.Start("/usr/bin/python3", [
                    "-u", Path.Combine(root, "bench", "python_bench_client.py"),
                    "--target", $"127.0.0.1:{port}", "--gen-dir", genDir, "--payload", o.Payload.ToString(CultureInfo.InvariantCulture),
                    "--warmup-seconds", "1", "--seq-seconds", o.SeqSeconds.ToString(CultureInfo.InvariantCulture),
                    "--conc-seconds", o.ConcSeconds.ToString(CultureInfo.InvariantCulture),
                    "--concurrency", o.Concurrency.ToString(CultureInfo.InvariantCulture),
                    "--reps", o.Reps.ToString(CultureInfo.InvariantCulture), "--sync",
                ],
                new Dictionary<string, string?> { ["PYTHONPATH"] = null, ["PYTHONHOME"] = null, ["PYTHONDONTWRITEBYTECODE"] = "1" });
            var run = new PythonRun(python, genDir, o);
            await run.NextPhaseAsync(); // warm-up done: it now waits for the first go-ahead
            return run;
        }

        private async Task<JsonElement> NextPhaseAsync()
        {
            _pendingPhase ??= await _python.NextAsync(_phaseTimeout, "phase");
            return _pendingPhase.Value;
        }

        public async Task RepetitionAsync(ChildProcess server)
        {
            for (var i = 0; i < 2; i++)
            {
                var phase = await NextPhaseAsync();
                _pendingPhase = null;
                var name = phase.GetProperty("name").GetString();
                var before = await ServerStatsAsync(server);
                await _python.SendAsync("go");
                var r = await _python.NextAsync(_phaseTimeout, "seq", "conc");
                var after = await ServerStatsAsync(server);
                var rep = new Rep(
                    r.GetProperty("rps").GetDouble(),
                    r.GetProperty("calls").GetInt64(),
                    r.TryGetProperty("p50_us", out var p50) ? p50.GetDouble() : null,
                    r.TryGetProperty("p99_us", out var p99) ? p99.GetDouble() : null,
                    Failed: r.TryGetProperty("failed", out var f) ? f.GetInt64() : 0);
                Scenarios[name == "seq" ? 0 : 1].Reps.Add(WithServer(rep, before, after));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _python.DisposeAsync();
            Directory.Delete(_genDir, recursive: true);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    private static void PrintHeader(BenchOptions o)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        Console.WriteLine("EnsembleGrpc transport benchmark");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), load average {load}");
        Console.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription}, client GC {(GCSettings.IsServerGC ? "server" : "workstation")}");
        Console.WriteLine($"call: TestService/Echo, {o.Payload}-byte payload; {o.Reps} repetitions, medians reported; all traffic on 127.0.0.1");
    }

    private static void PrintTable(List<Scenario> scenarios, BenchOptions o)
    {
        static string F(double? v, string format = "0") => v.HasValue ? v.Value.ToString(format, CultureInfo.InvariantCulture) : "-";

        var header = new[] { "scenario", "calls/s", "(min-max)", "p50 us", "p99 us", "client B/call", "client CPU us/call", "server B/call", "server CPU us/call", "failed" };
        var rows = scenarios.Select(s => new[]
        {
            s.Name,
            F(s.Median(r => r.Rps)),
            $"{F(s.Reps.Min(r => r.Rps))}-{F(s.Reps.Max(r => r.Rps))}",
            F(s.Median(r => r.P50Us), "0.0"),
            F(s.Median(r => r.P99Us), "0.0"),
            F(s.Median(r => r.ClientBytesPerCall)),
            F(s.Median(r => r.ClientCpuUsPerCall), "0.0"),
            F(s.Median(r => r.ServerBytesPerCall)),
            F(s.Median(r => r.ServerCpuUsPerCall), "0.0"),
            s.Reps.Sum(r => r.Failed).ToString(CultureInfo.InvariantCulture),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Row(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                sb.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
                sb.Append(i == cells.Length - 1 ? "\n" : " | ");
            }
        }

        Row(header);
        sb.Append(string.Join("-+-", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var r in rows)
        {
            Row(r);
        }

        Console.Write(sb.ToString());
        Console.WriteLine();

        // Paired: the ratio within each repetition (scenarios of one repetition run back to back), then the median.
        void Ratio(string label, string keyA, string keyB, Func<Rep, double?> field)
        {
            var a = scenarios.FirstOrDefault(s => s.Key == keyA);
            var b = scenarios.FirstOrDefault(s => s.Key == keyB);
            if (a is null || b is null)
            {
                return;
            }

            var ratios = a.Reps.Zip(b.Reps, (x, y) => field(x) is { } fx && field(y) is { } fy && fy > 0 ? fx / fy : (double?)null)
                .Where(r => r.HasValue).Select(r => r!.Value).Order().ToArray();
            if (ratios.Length > 0)
            {
                var median = ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[(ratios.Length / 2) - 1] + ratios[ratios.Length / 2]) / 2;
                Console.WriteLine($"  {label,-58} {median,6:0.00}   ({ratios[0]:0.00}-{ratios[^1]:0.00})");
            }
        }

        Console.WriteLine("ratios (median of the per-repetition ratios, min-max):");
        Ratio($"ours {o.Concurrency}-concurrent / h2load -c 1 -m {o.Concurrency} (calls/s)", "ours-conc", "h2load-c1", r => r.Rps);
        foreach (var c in o.H2loadConns.Where(c => c != 1))
        {
            Ratio($"ours {o.Concurrency}-concurrent / h2load -c {c} -m {o.Concurrency} (calls/s)", "ours-conc", $"h2load-c{c}", r => r.Rps);
        }

        Ratio($"python {o.Concurrency}-in-flight / ours {o.Concurrency}-concurrent (calls/s)", "python-conc", "ours-conc", r => r.Rps);
        Ratio("python sequential / ours sequential (calls/s)", "python-seq", "ours-seq", r => r.Rps);
        Ratio("python sequential p50 / ours sequential p50 (latency)", "python-seq", "ours-seq", r => r.P50Us);
        Ratio($"ours {o.Concurrency}-concurrent / ours sequential (calls/s)", "ours-conc", "ours-seq", r => r.Rps);
        Console.WriteLine();
        Console.WriteLine("B/call: bytes allocated per call (GC.GetTotalAllocatedBytes(true) delta / calls) in that process;");
        Console.WriteLine("server figures come from the server process's own counters read just before and after each repetition;");
        Console.WriteLine("CPU us/call: process CPU time (all threads) / calls. h2load does not read grpc-status: its successes are checked");
        Console.WriteLine("against the server handler's own call count (a mismatch is counted as failed).");
    }

    private static async Task<bool> PythonGrpcAvailableAsync()
    {
        if (!File.Exists("/usr/bin/python3") || FindOnPath("protoc") is null)
        {
            return false;
        }

        using var check = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import grpc, google.protobuf"])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        await check.StandardError.ReadToEndAsync();
        await check.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return check.ExitCode == 0;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"  .. {message}");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string FindRepoRoot()
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
