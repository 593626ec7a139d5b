using System.Diagnostics;
using EnsembleGrpc.Hosting;
using Grpc.Core;
using TransportBench.Processes;
using EnsembleGrpc.Interop.Tests.Protos;

namespace TransportBench.Measurement;

/// <summary>Our client's two load shapes (Grpc.Net.Client through <see cref="GrpcChannelSet{TClient}"/>), and the
/// bracket that adds the client's and the server's allocation and CPU figures to a repetition.</summary>
internal sealed class EchoLoops(GrpcChannelSet<TestService.TestServiceClient> clients, EchoRequest request)
{
    // Sequential latencies of one repetition (32 MiB: ~4 M calls, far more than a few seconds can make).
    private readonly long[] _latencies = new long[4 << 20];

    public async Task WarmUpAsync(double seconds, int concurrency)
    {
        await SequentialAsync(seconds / 2);
        await ConcurrentAsync(seconds / 2, concurrency);
    }

    /// <summary>One call at a time for <paramref name="seconds"/>: calls/s and the p50/p99 of every call's latency.</summary>
    public async Task<Rep> SequentialAsync(double seconds)
    {
        var duration = Stopwatch.Frequency * seconds;
        var n = 0;
        var failed = 0L;
        var start = Stopwatch.GetTimestamp();
        long now;
        do
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await clients.Next().EchoAsync(request);
            }
            catch (RpcException)
            {
                failed++;
            }

            now = Stopwatch.GetTimestamp();
            _latencies[n++] = now - t0;
        }
        while (now - start < duration && n < _latencies.Length);

        var elapsed = (double)(now - start) / Stopwatch.Frequency;
        Array.Sort(_latencies, 0, n);
        double Us(double p) => _latencies[Math.Min(n - 1, (int)Math.Round(p / 100 * (n - 1)))] * 1e6 / Stopwatch.Frequency;
        return new Rep((n - failed) / elapsed, n - failed, Us(50), Us(99), Failed: failed);
    }

    /// <summary><paramref name="concurrency"/> async loops, each starting its next call when the last one ends.</summary>
    public async Task<Rep> ConcurrentAsync(double seconds, int concurrency)
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
                    await clients.Next().EchoAsync(request);
                    local++;
                }
                catch (RpcException)
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

        // The phase length is the measurement, not synchronisation: the loops run until it ends.
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = sw.Elapsed.TotalSeconds;
        var total = counts.Sum();
        return new Rep(total / elapsed, total, Failed: failed);
    }

    /// <summary>Runs one phase between two reads of this process's and the server's counters.</summary>
    public static async Task<Rep> MeasureAsync(ServerProcess server, Func<Task<Rep>> phase)
    {
        var before = await server.StatsAsync();
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var rep = await phase();
        var alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        var cpu1 = process.TotalProcessorTime;
        var after = await server.StatsAsync();
        var calls = Math.Max(1, rep.Calls);
        rep = rep with
        {
            ClientBytesPerCall = (double)(alloc1 - alloc0) / calls,
            ClientCpuUsPerCall = (cpu1 - cpu0).TotalMicroseconds / calls,
        };
        return rep.WithServer(before, after);
    }
}
