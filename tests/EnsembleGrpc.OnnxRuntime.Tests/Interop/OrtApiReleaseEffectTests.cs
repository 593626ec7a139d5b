using EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

namespace EnsembleGrpc.OnnxRuntime.Tests.Interop;

/// <summary>
/// Proves slots whose results are effects rather than return values: the thread setters by the pool threads a session
/// creates, ReleaseSession by those threads going away, ReleaseValue by memory staying flat over many runs with
/// large outputs. Run alone (serial collection) because they measure the whole process.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OrtApiReleaseEffectTests
{
    private readonly OrtEnvironment _environment = OrtEnvironment.GetOrCreate();

    [Fact]
    public void IntraOpThreadsCreateThatManyPoolThreadsAndReleaseSessionJoinsThem()
    {
        // ORT's intra-op pool with N threads starts N-1 workers (the caller's thread is the N-th).
        Assert.Equal(0, ThreadsCreatedBy(new SessionOptions { IntraOpThreads = 1 }, out int afterRelease1));
        Assert.Equal(5, ThreadsCreatedBy(new SessionOptions { IntraOpThreads = 6 }, out int afterRelease6));
        Assert.Equal(0, afterRelease1);
        Assert.Equal(0, afterRelease6);
    }

    [Fact]
    public void InterOpThreadsArePooledOnlyInParallelMode()
    {
        // Proves SetInterOpNumThreads (and SetSessionExecutionMode): the inter-op pool exists only in parallel mode.
        Assert.Equal(0, ThreadsCreatedBy(new SessionOptions { IntraOpThreads = 1, InterOpThreads = 4, ExecutionMode = ExecutionMode.Sequential }, out _));
        Assert.Equal(3, ThreadsCreatedBy(new SessionOptions { IntraOpThreads = 1, InterOpThreads = 4, ExecutionMode = ExecutionMode.Parallel }, out int afterRelease));
        Assert.Equal(0, afterRelease);
    }

    [Fact]
    public void OutputValuesAreReleased()
    {
        // 1M rows: each run's output is 8 MB of ORT-owned memory; 60 leaked outputs would add ~480 MB.
        using InferenceSession session = _environment.CreateSession(Paths.Fixture("linear.onnx"), new SessionOptions { IntraOpThreads = 1 });
        const int rows = 1 << 20;
        float[] input = new float[rows * 3];
        float[] output = new float[rows * 2];
        long[] shape = new long[2];
        session.RunInto("x", input, [rows, 3], "y", output, shape);
        long before = CurrentRss();
        for (int i = 0; i < 60; i++)
        {
            session.RunInto("x", input, [rows, 3], "y", output, shape);
        }

        long grown = CurrentRss() - before;
        Assert.True(grown < 100L << 20, $"resident memory grew by {grown >> 20} MiB over 60 runs");
    }

    private int ThreadsCreatedBy(SessionOptions options, out int remainingAfterRelease)
    {
        int before = ThreadCount();
        var session = _environment.CreateSession(Paths.Fixture("linear.onnx"), options);
        int created = ThreadCount() - before;
        session.Dispose();
        remainingAfterRelease = ThreadCount() - before;
        return created;
    }

    private static int ThreadCount() => Directory.GetDirectories("/proc/self/task").Length;

    private static long CurrentRss()
    {
        // VmRSS from /proc: Process.WorkingSet64 caches and needs Refresh; this is the kernel's current figure.
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("No VmRSS in /proc/self/status.");
    }
}
