using EnsembleGrpc.Hosting;
using Google.Protobuf;
using TransportBench.Measurement;
using TransportBench.Peers;
using TransportBench.Processes;
using EnsembleGrpc.Interop.Tests.Protos;
using TransportBench.Report;

namespace TransportBench.Run;

/// <summary>
/// `run`: one Grpc.AspNetCore server process; Grpc.Net.Client (this process), h2load and python grpcio against it.
/// Every client is set up and warmed up first, then the repetitions go round-robin over the scenarios, so a change in
/// the machine's load (shared cores) hits every scenario alike and the paired ratios stay meaningful.
/// </summary>
internal static class RunDriver
{
    public const string ServerName = "Grpc.AspNetCore";

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var root = RepoRoot.Find();
        Header.Print("EnsembleGrpc transport benchmark (Grpc.Net.Client / Grpc.AspNetCore)", o);
        await using var server = await ServerProcess.StartAsync(ServerName, DotnetCommand.Self());
        Console.WriteLine($"server: separate process (TransportBench server: {ServerName}, Kestrel h2c) on 127.0.0.1:{server.Port}, {(server.ServerGc ? "server" : "workstation")} GC");
        Console.WriteLine();

        var request = new EchoRequest { Payload = ByteString.CopyFrom(Enumerable.Repeat((byte)'x', o.Payload).ToArray()) };
        using var clients = new GrpcChannelSet<TestService.TestServiceClient>(server.Address, o.Connections, c => new TestService.TestServiceClient(c));
        var loops = new EchoLoops(clients, request);
        Header.Progress($"Grpc.Net.Client: warm-up {o.WarmupSeconds:0.#} s");
        await loops.WarmUpAsync(o.WarmupSeconds, o.Concurrency);
        var seq = new Scenario("ours-seq", $"Grpc.Net.Client -> {ServerName}, sequential");
        var conc = new Scenario("ours-conc", $"Grpc.Net.Client -> {ServerName}, {o.Concurrency} concurrent, {o.Connections} conn");
        var scenarios = new List<Scenario> { seq, conc };

        using var h2 = await StartH2loadAsync(server, request, o);
        scenarios.AddRange(h2?.Scenarios ?? []);
        await using var py = await StartPythonAsync(root, server, o);
        scenarios.AddRange(py?.Scenarios ?? []);

        for (var rep = 0; rep < o.Reps; rep++)
        {
            Header.Progress($"repetition {rep + 1}/{o.Reps}");
            seq.Reps.Add(await EchoLoops.MeasureAsync(server, () => loops.SequentialAsync(o.SeqSeconds)));
            conc.Reps.Add(await EchoLoops.MeasureAsync(server, () => loops.ConcurrentAsync(o.ConcSeconds, o.Concurrency)));
            if (h2 is not null)
            {
                await h2.RepetitionAsync();
            }

            if (py is not null)
            {
                await py.RepetitionAsync();
            }
        }

        Console.WriteLine();
        RunReport.Print(scenarios, o);
        return scenarios.Sum(s => s.Failed) == 0 ? 0 : 1;
    }

    private static async Task<H2loadRun?> StartH2loadAsync(ServerProcess server, EchoRequest request, BenchOptions o)
    {
        if (o.SkipH2load)
        {
            return null;
        }

        if (Executables.Find("h2load") is not { } h2load)
        {
            Console.WriteLine("h2load not found (apt-get install nghttp2-client; bench/transport.sh does it): skipped");
            return null;
        }

        Header.Progress("h2load: calibration");
        return await H2loadRun.StartAsync(h2load, server, request, o, "ours", ServerName);
    }

    private static async Task<PythonRun?> StartPythonAsync(string root, ServerProcess server, BenchOptions o)
    {
        if (o.SkipPython)
        {
            return null;
        }

        if (!await PythonRun.AvailableAsync())
        {
            Console.WriteLine("/usr/bin/python3 with grpc, or protoc, not found (scripts/ensure-python-grpc.sh installs them): python skipped");
            return null;
        }

        Header.Progress("python: start + warm-up");
        return await PythonRun.StartAsync(root, server, o, ServerName);
    }
}
