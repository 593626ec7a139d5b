using EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

namespace EnsembleGrpc.OnnxRuntime.Tests;

public sealed class InferenceSessionTests
{
    // linear: y = x @ W + b, W = [[1,-1],[2,0.5],[-3,1]], b = [0.5,-2]; relu = max(y, 0).
    private static readonly float[] X = [1, 2, 3, 4, 5, 6];
    private static readonly float[] Y = [-3.5f, 1f, -3.5f, 2.5f];

    [Fact]
    public void DescribesInputsAndOutputsWithSymbolicDimensions()
    {
        using var session = new InferenceSession(Paths.Fixture("linear.onnx"));
        TensorInfo input = Assert.Single(session.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 3L], input.Shape);
        Assert.Equal(["batch", ""], input.SymbolicDimensions);
        Assert.Equal("x: Float[batch,3]", input.ToString());
        Assert.Equal(["y", "relu"], session.Outputs.Select(o => o.Name));
        Assert.Equal(Path.GetFullPath(Paths.Fixture("linear.onnx")), session.ModelPath);
    }

    [Fact]
    public void RunFloatReturnsTheOutputAndItsShape()
    {
        using var session = new InferenceSession(Paths.Fixture("linear.onnx"));
        Assert.Equal(Y, session.RunFloat("x", X, [2, 3], "y", out long[] shape));
        Assert.Equal([2L, 2L], shape);
        Assert.Equal([0f, 1f, 0f, 2.5f], session.RunFloat("x", X, [2, 3], "relu", out _));
    }

    [Fact]
    public void RunIntoWritesIntoTheCallersBuffers()
    {
        using var session = new InferenceSession(Paths.Fixture("linear.onnx"));
        var output = new float[8];
        var shape = new long[4];
        OutputExtent extent = session.RunInto("x", X, [2, 3], "y", output, shape);
        Assert.Equal(new OutputExtent(4, 2), extent);
        Assert.Equal(Y, output[..4]);
        Assert.Equal([2L, 2L], shape[..2]);
    }

    [Fact]
    public void RunIntoAllocatesNothing()
    {
        using var session = new InferenceSession(Paths.Fixture("linear.onnx"), new SessionOptions { IntraOpThreads = 1 });
        float[] output = new float[4];
        long[] outputShape = new long[2];
        long[] inputShape = [2, 3];
        FloatInput[] inputs = [new("x", X, inputShape)];
        for (int i = 0; i < 10; i++)
        {
            session.RunInto("x", X, inputShape, "y", output, outputShape);
            session.RunInto(inputs, "y", output, outputShape);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            session.RunInto("x", X, inputShape, "y", output, outputShape);
            session.RunInto(inputs, "y", output, outputShape);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(Y, output);
    }

    [Fact]
    public void RunWithSeveralInputsAndOutputs()
    {
        using var session = new InferenceSession(Paths.Fixture("pair.onnx"));
        float[] a = [1, 2, 3, 4];
        float[] b = [10, 20, 30, 40];
        long[] shape = [2, 2];
        // Inputs in any order; outputs as named.
        FloatTensor[] results = session.Run([new FloatInput("b", b, shape), new FloatInput("a", a, shape)], ["product", "sum"]);
        Assert.Equal(["product", "sum"], results.Select(r => r.Name));
        Assert.Equal([10f, 40f, 90f, 160f], results[0].Data);
        Assert.Equal([11f, 22f, 33f, 44f], results[1].Data);
        Assert.Equal([2L, 2L], results[1].Shape);

        FloatTensor[] all = session.Run([new FloatInput("a", a, shape), new FloatInput("b", b, shape)]);
        Assert.Equal(["sum", "product"], all.Select(r => r.Name));

        var product = new float[4];
        session.RunInto([new FloatInput("a", a, shape), new FloatInput("b", b, shape)], "product", product, new long[2]);
        Assert.Equal([10f, 40f, 90f, 160f], product);
    }

    [Fact]
    public void InputsCanBeSlicesOfALargerBuffer()
    {
        using var session = new InferenceSession(Paths.Fixture("linear.onnx"));
        float[] buffer = [99, 99, 1, 2, 3, 4, 5, 6, 99];
        Assert.Equal(Y, session.RunFloat("x", buffer.AsSpan(2, 6), [2, 3], "y", out _));
        Assert.Equal(Y, session.Run([new FloatInput("x", buffer.AsMemory(2, 6), new long[] { 2, 3 })], ["y"])[0].Data);
    }

    [Fact]
    public void ConcurrentRunsOnOneSessionMatchSequentialRuns()
    {
        using var session = new InferenceSession(Paths.Fixture("linear.onnx"), new SessionOptions { IntraOpThreads = 1 });
        const int rows = 64;
        float[][] inputs = Enumerable.Range(0, 16).Select(seed => Enumerable.Range(0, rows * 3).Select(i => (float)((i * 7 + seed * 13) % 17) - 8).ToArray()).ToArray();
        float[][] expected = inputs.Select(x => session.RunFloat("x", x, [rows, 3], "y", out _)).ToArray();

        float[][][] actual = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            actual[thread] = new float[200][];
            var shape = new long[2];
            for (int i = 0; i < 200; i++)
            {
                var output = new float[rows * 2];
                session.RunInto("x", inputs[(thread + i) % inputs.Length], [rows, 3], "y", output, shape);
                actual[thread][i] = output;
            }
        });

        for (int thread = 0; thread < 8; thread++)
        {
            for (int i = 0; i < 200; i++)
            {
                Assert.Equal(expected[(thread + i) % inputs.Length], actual[thread][i]);
            }
        }
    }

    [Fact]
    public void ADisposedSessionRefusesToRun()
    {
        var session = new InferenceSession(Paths.Fixture("linear.onnx"));
        session.Dispose();
        session.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => session.RunFloat("x", X, [2, 3], "y", out _));
        Assert.Equal("x", session.Inputs[0].Name); // metadata stays readable
    }
}
