using System.Diagnostics;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.OnnxRuntime;

namespace InferenceBench;

/// <summary>One in-process measurement: rows per second and the median time of one Run.</summary>
/// <summary>
/// One in-process measurement: rows per second, the median time of one Run, and the process CPU time per image
/// (the benchmark process does nothing else meanwhile), a cost figure that sharing the machine disturbs far less.
/// </summary>
internal sealed record OrtSample(string Model, int Batch, int Threads, double ImagesPerSecond, double RunsPerSecond, double P50Us, double P99Us, long Runs, double CpuUsPerImage);

/// <summary>
/// In-process ONNX Runtime throughput of one model (the limit the served numbers are compared with): one session
/// (intra-op threads 1, no spinning, as the worker runs it), <c>threads</c> dedicated threads calling the
/// allocation-free <see cref="InferenceSession.RunInto"/> concurrently on real test digits for a fixed time.
/// </summary>
internal sealed class OrtThroughput : IDisposable
{
    private const int DistinctBatches = 8;
    private readonly InferenceSession _session;
    private readonly EgdsDataset _dataset;
    private readonly Dictionary<int, float[][]> _inputs = [];

    public OrtThroughput(string model, string modelPath, EgdsDataset dataset)
    {
        Model = model;
        _dataset = dataset;
        Options = new SessionOptions { IntraOpThreads = 1, InterOpThreads = 1, AllowSpinning = false };
        _session = new InferenceSession(modelPath, Options, OrtEnvironment.GetOrCreate());
    }

    public string Model { get; }

    public SessionOptions Options { get; }

    public OrtSample Measure(int batch, int threads, TimeSpan duration)
    {
        if (!_inputs.TryGetValue(batch, out var inputs))
        {
            // A few different batches of real digits, cycled, so the model does not see one input only.
            inputs = [.. Enumerable.Range(0, DistinctBatches).Select(i => _dataset.ToModelInput((i * batch * 7 + i) % (_dataset.Count - batch + 1), batch))];
            _inputs[batch] = inputs;
        }

        var stop = 0;
        using var start = new Barrier(threads + 1);
        var latencies = new List<long>[threads];
        var workers = new Thread[threads];
        Exception? failure = null;
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            latencies[t] = new List<long>(1 << 16);
            workers[t] = new Thread(() =>
            {
                long[] shape = [batch, 1, _dataset.Rows, _dataset.Cols];
                var output = new float[batch * 10];
                Span<long> outputShape = stackalloc long[4];
                var list = latencies[index];
                var i = index;
                start.SignalAndWait();
                try
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        var begin = Stopwatch.GetTimestamp();
                        _session.RunInto("input", inputs[i++ % inputs.Length], shape, "probabilities", output, outputShape);
                        list.Add(Stopwatch.GetTimestamp() - begin);
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            })
            { IsBackground = true, Name = $"ort-{Model}-{index}" };
            workers[t].Start();
        }

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(duration);
        Volatile.Write(ref stop, 1);
        foreach (var worker in workers)
        {
            if (!worker.Join(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"in-process run of {Model} did not stop within 30 s");
            }
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
        if (failure is not null)
        {
            throw new InvalidOperationException($"in-process run of {Model} (batch {batch}) failed: {failure.Message}", failure);
        }

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p / 100 * all.Length) - 1)] * 1e6 / Stopwatch.Frequency;
        return new OrtSample(Model, batch, threads, all.Length * (double)batch / elapsed, all.Length / elapsed, Percentile(50), Percentile(99), all.Length,
            all.Length == 0 ? double.NaN : cpuUs / (all.Length * (double)batch));
    }

    public void Dispose() => _session.Dispose();
}
