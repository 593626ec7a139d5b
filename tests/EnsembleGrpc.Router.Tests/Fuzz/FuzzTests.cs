using System.IO.Compression;
using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Fuzz;

/// <summary>
/// The fault and fuzz suite against a real worker and a real router (processes), with fixed seeds: mutated ModelInfer
/// messages, random shapes and datatypes, length prefixes that lie, compressed garbage and random HTTP/2 frames. No
/// process may crash, every call must end in one of the documented outcomes (README, "What a bad request gets"), and
/// resident memory must stay bounded.
/// </summary>
public sealed class FuzzTests(FuzzCluster cluster, ITestOutputHelper output) : IClassFixture<FuzzCluster>
{
    private const string ModelInfer = "/inference.GRPCInferenceService/ModelInfer";
    private const int Parallelism = 8;

    /// <summary>Statuses a well-framed ModelInfer may get: an answer, or the request's own fault.</summary>
    private static readonly string[] RequestStatuses = ["grpc:OK", "grpc:InvalidArgument", "grpc:NotFound"];

    [Theory]
    [InlineData("worker")]
    [InlineData("router")]
    public async Task Fuzzed_input_gets_only_documented_statuses_and_never_crashes_or_grows_memory(string name)
    {
        var target = name == "worker" ? cluster.Worker : cluster.Router;
        var tally = new OutcomeTally();
        double rssBefore = target.RssMiB();
        using var raw = new GrpcBodyCall(target.Port);

        await MutatedMessagesAsync(target, raw, tally, new Random(1301));
        await RandomRequestsAsync(target, tally, new Random(1302));
        await FramingAsync(target, raw, tally, new Random(1303));
        await RawFramesAsync(target, tally, new Random(1304));
        await target.AssertServingAsync();
        double rssAfter = target.RssMiB();

        output.WriteLine($"{name}: RSS {rssBefore:F0} MiB before, {rssAfter:F0} MiB after");
        foreach (var line in tally.Lines())
        {
            output.WriteLine(line);
        }

        Assert.All(tally.Outcomes("mutated message"), o => Assert.Contains(o, RequestStatuses));
        Assert.All(tally.Outcomes("random shape and dtype"), o => Assert.Contains(o, RequestStatuses));
        Assert.Equal(["grpc:ResourceExhausted"], tally.Outcomes("prefix over the size limit"));
        Assert.Equal(["grpc:Internal"], tally.Outcomes("body shorter than its prefix"));
        Assert.Equal(["grpc:InvalidArgument"], tally.Outcomes("gzip flag over garbage"));
        Assert.Equal(["grpc:Internal"], tally.Outcomes("compressed, no grpc-encoding"));
        Assert.Equal(["grpc:Unimplemented"], tally.Outcomes("unknown grpc-encoding"));
        Assert.Equal(["grpc:InvalidArgument"], tally.Outcomes("compressed flag not 0 or 1"));
        Assert.Equal(["grpc:ResourceExhausted"], tally.Outcomes("gzip bomb (64 MiB)"));
        Assert.Equal(["grpc:OK"], tally.Outcomes("valid message, gzip"));
        Assert.All(tally.Outcomes("raw HTTP/2 frames"), o => Assert.Contains(o, new[] { "closed by server", "left open" }));
        Assert.InRange(rssAfter, 0, rssBefore + 100);
    }

    private static async Task MutatedMessagesAsync(FuzzTarget target, GrpcBodyCall raw, OutcomeTally tally, Random random)
    {
        byte[] valid = target.Valid().ToByteArray();
        var bodies = Enumerable.Range(0, 250).Select(_ => GrpcBodyCall.Frame(ByteMutator.Mutate(valid, random))).ToArray();
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (body, _) => tally.Add("mutated message", await raw.PostAsync(ModelInfer, body)));
    }

    private static async Task RandomRequestsAsync(FuzzTarget target, OutcomeTally tally, Random random)
    {
        var requests = Enumerable.Range(0, 200).Select(_ => RandomRequests.Next(random, target.Model)).ToArray();
        using var raw = new GrpcBodyCall(target.Port);
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (request, _) => tally.Add("random shape and dtype", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(request.ToByteArray()))));
    }

    /// <summary>The 5-byte prefix and compression: each case a few times, with seeded garbage.</summary>
    private static async Task FramingAsync(FuzzTarget target, GrpcBodyCall raw, OutcomeTally tally, Random random)
    {
        byte[] valid = target.Valid().ToByteArray();
        for (int i = 0; i < 5; i++)
        {
            byte[] garbage = ByteMutator.RandomBytes(random, 1 + random.Next(2000));
            tally.Add("prefix over the size limit", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(garbage, declaredLength: i % 2 == 0 ? uint.MaxValue : (16u << 20) + 1)));
            tally.Add("body shorter than its prefix", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(garbage, declaredLength: (uint)garbage.Length + 1 + (uint)random.Next(1000))));
            tally.Add("gzip flag over garbage", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(garbage, compressed: true), "gzip"));
            tally.Add("compressed, no grpc-encoding", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(Gzip(valid), compressed: true)));
            tally.Add("unknown grpc-encoding", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(garbage, compressed: true), "snappy"));
            byte[] flagged = GrpcBodyCall.Frame(valid);
            flagged[0] = (byte)(2 + random.Next(254));
            tally.Add("compressed flag not 0 or 1", await raw.PostAsync(ModelInfer, flagged));
        }

        tally.Add("gzip bomb (64 MiB)", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(Gzip(new byte[64 << 20]), compressed: true), "gzip"));
        tally.Add("valid message, gzip", await raw.PostAsync(ModelInfer, GrpcBodyCall.Frame(Gzip(valid), compressed: true), "gzip"));
    }

    private static async Task RawFramesAsync(FuzzTarget target, OutcomeTally tally, Random random)
    {
        // One seed per connection, drawn up front, so each connection's frames are the same whatever runs alongside.
        int[] seeds = Enumerable.Range(0, 40).Select(_ => random.Next()).ToArray();
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (seed, _) => tally.Add("raw HTTP/2 frames", await RawHttp2Fuzzer.RunConnectionAsync(target.Port, new Random(seed))));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
