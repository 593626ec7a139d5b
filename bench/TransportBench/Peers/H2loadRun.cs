using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using TransportBench.Measurement;
using TransportBench.Processes;
using EnsembleGrpc.Interop.Tests.Protos;

namespace TransportBench.Peers;

/// <summary>h2load against one server process: the framed request body, a calibrated -n, one scenario per -c.</summary>
internal sealed partial class H2loadRun : IDisposable
{
    private readonly string _h2load;
    private readonly ServerProcess _server;
    private readonly string _url;
    private readonly string _bodyFile;
    private readonly BenchOptions _o;

    private H2loadRun(string h2load, ServerProcess server, string bodyFile, BenchOptions o, string serverKey, string serverName)
    {
        _h2load = h2load;
        _server = server;
        _url = $"{server.Address}/grpc.testing.ensemble.TestService/Echo";
        _bodyFile = bodyFile;
        _o = o;
        Scenarios = [.. o.H2loadConns.Select(c => new Scenario(Key(serverKey, c), $"h2load -> {serverName}, -c {c} -m {o.Concurrency}"))];
    }

    public List<Scenario> Scenarios { get; }

    /// <summary>Requests per repetition, calibrated so one lasts about --h2load-seconds.</summary>
    public int N { get; private set; }

    public static string Key(string serverKey, int conns) => $"h2load-{serverKey}-c{conns}";

    public static async Task<H2loadRun> StartAsync(string h2load, ServerProcess server, EchoRequest request, BenchOptions o, string serverKey, string serverName)
    {
        // The same request body our client sends: one uncompressed gRPC message (5-byte prefix + protobuf).
        var message = request.ToByteArray();
        var body = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)message.Length);
        message.CopyTo(body, 5);
        var bodyFile = Path.Combine(Path.GetTempPath(), $"transportbench-echo-{Environment.ProcessId}-{serverKey}.bin");
        await File.WriteAllBytesAsync(bodyFile, body);
        var run = new H2loadRun(h2load, server, bodyFile, o, serverKey, serverName);

        // Calibration also warms the server up for this client.
        var calibration = await run.RunOnceAsync(20_000, 1);
        run.N = (int)Math.Clamp(calibration.Rps * o.H2loadSeconds, 20_000, 2_000_000);
        return run;
    }

    /// <summary>One run per -c, each bracketed by the server's counters.</summary>
    public async Task RepetitionAsync()
    {
        for (var i = 0; i < _o.H2loadConns.Length; i++)
        {
            var before = await _server.StatsAsync();
            var r = await RunOnceAsync(N, _o.H2loadConns[i]);
            r = r.WithServer(before, await _server.StatsAsync());

            // h2load only sees HTTP 200; the handler's own call count proves each request was a served Echo.
            if (r.ServerCalls != r.Calls)
            {
                Console.Error.WriteLine($"  !! h2load reported {r.Calls} successes, the Echo handler of {_server.Label} ran {r.ServerCalls ?? 0} times");
                r = r with { Failed = r.Failed + Math.Abs(r.Calls - (r.ServerCalls ?? 0)) };
            }

            Scenarios[i].Reps.Add(r);
        }
    }

    public void Dispose() => File.Delete(_bodyFile);

    private async Task<Rep> RunOnceAsync(int n, int conns)
    {
        string[] args =
        [
            "-n", n.ToString(CultureInfo.InvariantCulture), "-c", conns.ToString(CultureInfo.InvariantCulture),
            "-m", _o.Concurrency.ToString(CultureInfo.InvariantCulture), "-t", "1", "--data=" + _bodyFile,
            "-H", "content-type: application/grpc", "-H", "te: trailers", _url,
        ];
        var result = await Executables.RunAsync(_h2load, args, TimeSpan.FromSeconds(120));
        var output = result.Stdout;
        var finished = FinishedRegex().Match(output);
        var requests = RequestsRegex().Match(output);
        if (result.ExitCode != 0 || !finished.Success || !requests.Success)
        {
            throw new InvalidOperationException($"h2load failed (exit {result.ExitCode}):\n{output}\n{result.Stderr}");
        }

        long Group(string name) => long.Parse(requests.Groups[name].Value, CultureInfo.InvariantCulture);
        var succeeded = Group("ok");
        var failed = Group("failed") + Group("errored");
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
}
