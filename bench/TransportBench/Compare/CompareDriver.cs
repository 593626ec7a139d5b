using EnsembleGrpc.Hosting;
using Google.Protobuf;
using TransportBench.Measurement;
using TransportBench.Peers;
using TransportBench.Processes;
using EnsembleGrpc.Interop.Tests.Protos;
using TransportBench.Report;

namespace TransportBench.Compare;

/// <summary>
/// `compare --old-dll PATH`: the old home-made gRPC layer (the bench of an earlier commit) against grpc-dotnet in one
/// run. Two server processes side by side — Grpc.AspNetCore (this program's `server`) and the old server
/// (`dotnet PATH server`) — and three pairings: Grpc.Net.Client → Grpc.AspNetCore and Grpc.Net.Client → old server
/// (from this process), old client → old server (a fresh old bench process per repetition, its own server); h2load
/// against each server. Each repetition runs every step once, in reverse order every other repetition, so drift of
/// the shared machine and the position in the round hit every pairing alike.
/// </summary>
internal static class CompareDriver
{
    public const string NewServer = "Grpc.AspNetCore";
    public const string OldServer = "old server";

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Header.Print("EnsembleGrpc transport comparison: old home-made gRPC layer vs grpc-dotnet", o);
        var oldBench = DotnetCommand.ForDll(o.OldDll!);
        await using var newServer = await ServerProcess.StartAsync(NewServer, DotnetCommand.Self());
        await using var oldServer = await ServerProcess.StartAsync(OldServer, oldBench);
        Console.WriteLine($"servers: separate processes, Kestrel h2c on 127.0.0.1: {NewServer} :{newServer.Port} ({Gc(newServer)} GC), {OldServer} :{oldServer.Port} ({Gc(oldServer)} GC)");
        Console.WriteLine($"old client: a fresh old bench process per repetition (its own old server), {o.OldWarmupSeconds:0.#} s warm-up inside it");
        Console.WriteLine();

        var request = new EchoRequest { Payload = ByteString.CopyFrom(Enumerable.Repeat((byte)'x', o.Payload).ToArray()) };
        using var toNew = Clients(newServer, o);
        using var toOld = Clients(oldServer, o);
        var newLoops = new EchoLoops(toNew, request);
        var oldLoops = new EchoLoops(toOld, request);
        Header.Progress($"Grpc.Net.Client: warm-up {o.WarmupSeconds:0.#} s against each server");
        await newLoops.WarmUpAsync(o.WarmupSeconds, o.Concurrency);
        await oldLoops.WarmUpAsync(o.WarmupSeconds, o.Concurrency);

        using var h2New = await StartH2loadAsync(newServer, request, o, "new");
        using var h2Old = await StartH2loadAsync(oldServer, request, o, "old");
        var oldClient = new OldBenchClient(oldBench, o);
        var newNew = new Pairing($"Grpc.Net.Client -> {NewServer}", new("new-new-seq", "seq"), new("new-new-conc", "conc"), h2New);
        var newOld = new Pairing($"Grpc.Net.Client -> {OldServer}", new("new-old-seq", "seq"), new("new-old-conc", "conc"), h2Old);
        var oldOld = new Pairing($"old client -> {OldServer} (own)", oldClient.Sequential, oldClient.Concurrent, null);

        (string Name, Func<Task> Run)[] steps =
        [
            (newNew.Name, () => MeasureAsync(newNew, newServer, newLoops, o)),
            (newOld.Name, () => MeasureAsync(newOld, oldServer, oldLoops, o)),
            ($"h2load -> {NewServer}", () => h2New?.RepetitionAsync() ?? Task.CompletedTask),
            ($"h2load -> {OldServer}", () => h2Old?.RepetitionAsync() ?? Task.CompletedTask),
            (oldOld.Name, oldClient.RepetitionAsync),
        ];
        for (var rep = 0; rep < o.Reps; rep++)
        {
            foreach (var (name, run) in rep % 2 == 0 ? steps : Enumerable.Reverse(steps))
            {
                Header.Progress($"repetition {rep + 1}/{o.Reps}: {name}");
                await run();
            }
        }

        Console.WriteLine();
        CompareReport.Print([newNew, newOld, oldOld], o);
        Console.WriteLine($"measured in {started.Elapsed.TotalSeconds:0} s; load average now {Header.LoadAverage()}");
        return new[] { newNew, newOld, oldOld }.Sum(p => p.Sequential.Failed + p.Concurrent.Failed + (p.H2load?.Scenarios.Sum(s => s.Failed) ?? 0)) == 0 ? 0 : 1;
    }

    private static string Gc(ServerProcess server) => server.ServerGc ? "server" : "workstation";

    private static GrpcChannelSet<TestService.TestServiceClient> Clients(ServerProcess server, BenchOptions o) =>
        new(server.Address, o.Connections, c => new TestService.TestServiceClient(c));

    private static async Task MeasureAsync(Pairing pairing, ServerProcess server, EchoLoops loops, BenchOptions o)
    {
        pairing.Sequential.Reps.Add(await EchoLoops.MeasureAsync(server, () => loops.SequentialAsync(o.SeqSeconds)));
        pairing.Concurrent.Reps.Add(await EchoLoops.MeasureAsync(server, () => loops.ConcurrentAsync(o.ConcSeconds, o.Concurrency)));
    }

    private static async Task<H2loadRun?> StartH2loadAsync(ServerProcess server, EchoRequest request, BenchOptions o, string key)
    {
        if (o.SkipH2load)
        {
            return null;
        }

        if (Executables.Find("h2load") is not { } h2load)
        {
            Console.WriteLine("h2load not found (apt-get install nghttp2-client; bench/transport-compare.sh does it): skipped");
            return null;
        }

        Header.Progress($"h2load: calibration against {server.Label}");
        return await H2loadRun.StartAsync(h2load, server, request, o, key, server.Label);
    }
}
