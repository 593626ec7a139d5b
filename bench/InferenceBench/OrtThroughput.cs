using System.Diagnostics;
using EnsembleGrpc.Datasets;
using Microsoft.ML.OnnxRuntime;

namespace InferenceBench;

/// <summary>
/// One in-process measurement: rows per second, the median time of one Run, and the process CPU time per image
/// (the benchmark process does nothing else meanwhile), a cost figure that sharing the machine disturbs far less.
/// </summary>
internal sealed record OrtSample(string Model, int Batch, int Threads, double ImagesPerSecond, double RunsPerSecond, double P50Us, double P99Us, long Runs, double CpuUsPerImage);

/// <summary>
/// In-process ONNX Runtime throughput of one model (the limit the served numbers are compared with): one session
/// (intra-op threads 1, no spinning, as the worker runs it), <c>threads</c> dedicated threads calling Run
/// concurrently on real test digits for a fixed time. Every thread binds its inputs and its output once
/// (OrtValues over pinned arrays in an <see cref="OrtIoBinding"/>), so a Run is one native call with no allocation,
/// as in the worker. This file compiles on its own (with EnsembleGrpc.Datasets and the ORT package):
/// bench/ort-compare.sh builds it beside an older revision's copy.
/// </summary>
internal sealed class OrtThroughput : IDisposable
{
    private const int DistinctBatches = 8;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly EgdsDataset _dataset;
    private readonly Dictionary<int, float[][]> _inputs = [];

    /// <param name="device"><c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>; CUDA that cannot load throws.</param>
    public OrtThroughput(string model, string modelPath, EgdsDataset dataset, string device = "cpu")
    {
        Model = model;
        _dataset = dataset;
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        Device = device.Trim().ToLowerInvariant();
        if (Device.StartsWith("cuda", StringComparison.Ordinal))
        {
            var id = Device.Length > 5 ? int.Parse(Device.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture) : 0;
            options.AppendExecutionProvider_CUDA(id);
            Device = $"cuda:{id}";
        }
        else if (Device != "cpu")
        {
            throw new ArgumentException($"device '{device}' is not cpu, cuda or cuda:N", nameof(device));
        }

        _session = new InferenceSession(modelPath, options);
    }

    public string Model { get; }

    /// <summary>Where the session runs: <c>cpu</c> or <c>cuda:N</c>.</summary>
    public string Device { get; }

    public static string OrtVersion => OrtEnv.Instance().GetVersionString();

    public OrtSample Measure(int batch, int threads, TimeSpan duration)
    {
        if (!_inputs.TryGetValue(batch, out var inputs))
        {
            // A few different batches of real digits, cycled, so the model does not see one input only.
            inputs = [.. Enumerable.Range(0, DistinctBatches).Select(i => Pinned(_dataset.ToModelInput((i * batch * 7 + i) % (_dataset.Count - batch + 1), batch)))];
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
                using var bindings = new ThreadBindings(_session, inputs, batch, _dataset.Rows, _dataset.Cols);
                var list = latencies[index];
                var i = index;
                start.SignalAndWait();
                try
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        var begin = Stopwatch.GetTimestamp();
                        _session.RunWithBinding(_runOptions, bindings[i++ % inputs.Length]);
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

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static float[] Pinned(float[] values)
    {
        var pinned = GC.AllocateUninitializedArray<float>(values.Length, pinned: true);
        values.CopyTo(pinned, 0);
        return pinned;
    }

    /// <summary>One thread's IO bindings: one per distinct input batch, all writing to the thread's own output.</summary>
    private sealed class ThreadBindings : IDisposable
    {
        private readonly List<IDisposable> _owned = [];
        private readonly OrtIoBinding[] _bindings;

        public ThreadBindings(InferenceSession session, float[][] inputs, int batch, int rows, int cols)
        {
            var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, GC.AllocateArray<float>(batch * 10, pinned: true).AsMemory(), [batch, 10]);
            _owned.Add(output);
            _bindings = new OrtIoBinding[inputs.Length];
            for (var i = 0; i < inputs.Length; i++)
            {
                var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs[i].AsMemory(), [batch, 1, rows, cols]);
                _owned.Add(input);
                _bindings[i] = session.CreateIoBinding();
                _owned.Add(_bindings[i]);
                _bindings[i].BindInput("input", input);
                _bindings[i].BindOutput("probabilities", output);
            }
        }

        public OrtIoBinding this[int index] => _bindings[index];

        public void Dispose()
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }
        }
    }
}
