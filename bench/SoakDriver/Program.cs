using System.Diagnostics;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using SoakDriver;

// Open loop: the n-th request goes out at n / rate whatever the earlier ones are doing (no coordinated omission), each
// with a 10 s deadline, so every request ends in an answer or a status and none can hang past the end.
var options = SoakOptions.Parse(args);
var set = EgdsDataset.Load(options.Dataset);
using var channel = GrpcChannels.Create(options.Target.ToString(), new GrpcClientSettings());
var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
var counts = new OutcomeCounts();
var rss = new List<(double Seconds, long RssKb)>();
var inFlight = new List<Task>();
var clock = Stopwatch.StartNew();
long nextReport = options.ReportEverySeconds;
Sample();
Console.WriteLine($"soak: {options.Rate}/s for {options.Seconds} s against {options.Target} ({options.Model}); router pid {options.RouterPid}, RSS {rss[0].RssKb / 1024.0:F1} MiB");

for (long n = 0; n < (long)(options.Rate * options.Seconds); n++)
{
    var due = TimeSpan.FromSeconds(n / options.Rate);
    if (due > clock.Elapsed)
    {
        await Task.Delay(due - clock.Elapsed);
    }

    counts.AddSent();
    inFlight.Add(CallAsync((int)(n % set.Count)));
    if (clock.Elapsed.TotalSeconds >= nextReport)
    {
        Sample();
        inFlight.RemoveAll(t => t.IsCompleted);
        Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F0} s] {counts.Line()}; router RSS {rss[^1].RssKb / 1024.0:F1} MiB");
        nextReport += options.ReportEverySeconds;
    }
}

await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(30));
Sample();
Console.WriteLine($"soak done in {clock.Elapsed.TotalSeconds:F0} s: {counts.Line()}");
Console.WriteLine($"lost (no answer and no status): {counts.Pending}");
Console.WriteLine($"router RSS: start {rss[0].RssKb / 1024.0:F1} MiB, end {rss[^1].RssKb / 1024.0:F1} MiB, max {rss.Max(r => r.RssKb) / 1024.0:F1} MiB");
return counts.Pending == 0 ? 0 : 1;

async Task CallAsync(int image)
{
    var request = new ModelInferRequest { ModelName = options.Model };
    var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
    input.Shape.AddRange([1, 1, 28, 28]);
    request.Inputs.Add(input);
    request.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(set.ToModelInput(image, 1).AsSpan())));
    try
    {
        var response = await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        counts.AddAnswer(response.Parameters.TryGetValue("fallback", out var fallback) && fallback.BoolParam);
    }
    catch (RpcException ex)
    {
        counts.AddStatus(ex.StatusCode.ToString());
    }
}

void Sample()
{
    long kb = File.ReadLines($"/proc/{options.RouterPid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture)).Single();
    rss.Add((clock.Elapsed.TotalSeconds, kb));
}
