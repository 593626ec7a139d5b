using EnsembleGrpc.Datasets;
using EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

namespace EnsembleGrpc.OnnxRuntime.Tests;

/// <summary>The repository's real models against models/data/reference-outputs.json (computed by the training pipeline).</summary>
public sealed class MnistModelTests
{
    private const float Tolerance = 1e-5f;
    private static readonly Lazy<ReferenceOutputs> Reference = new(() => ReferenceOutputs.Load(Paths.ModelData("reference-outputs.json")));
    private static readonly Lazy<EgdsDataset> TestSet = new(() => EgdsDataset.Load(Paths.ModelData("mnist-test.bin")));

    public static TheoryData<string> Members => ["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"];

    [Fact]
    public void TestSetLabelsMatchTheReference()
    {
        ReferenceOutputs reference = Reference.Value;
        Assert.Equal(reference.Labels, reference.TestIndices.Select(i => (int)TestSet.Value.Labels[i]));
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void MemberOutputsMatchTheReference(string member)
    {
        using var session = new InferenceSession(Paths.Model(member));
        Assert.Equal("input: Float[N,1,28,28]", session.Inputs[0].ToString());
        Assert.Equal("probabilities: Float[N,10]", session.Outputs[0].ToString());
        float[][] expected = Reference.Value.Members[member];
        float[] actual = RunMember(session, expected.Length, out long[] shape);
        Assert.Equal([expected.Length, 10L], shape);
        AssertClose(expected, actual);
    }

    [Fact]
    public void MembersBatchedOneByOneGiveTheSameAsOneBatch()
    {
        using var session = new InferenceSession(Paths.Model("mnist_cnn_1"));
        float[][] expected = Reference.Value.Members["mnist_cnn_1"];
        var output = new float[10];
        var shape = new long[2];
        for (int i = 0; i < expected.Length; i++)
        {
            session.RunInto("input", TestSet.Value.ToModelInput(Reference.Value.TestIndices[i], 1), [1, 1, 28, 28], "probabilities", output, shape);
            AssertClose([expected[i]], output);
        }
    }

    [Fact]
    public void StackerOutputsMatchTheReference()
    {
        ReferenceOutputs reference = Reference.Value;
        int count = reference.Stacker.Length;
        // The stacker's row is its members' probabilities concatenated, in its member order: [N, 10 * members].
        int width = 10 * reference.StackerMembers.Length;
        var stackerInput = new float[count * width];
        for (int m = 0; m < reference.StackerMembers.Length; m++)
        {
            using var member = new InferenceSession(Paths.Model(reference.StackerMembers[m]));
            float[] probabilities = RunMember(member, count, out _);
            for (int row = 0; row < count; row++)
            {
                probabilities.AsSpan(row * 10, 10).CopyTo(stackerInput.AsSpan(row * width + m * 10));
            }
        }

        using var stacker = new InferenceSession(Paths.Model("mnist_stacker"));
        Assert.Equal("member_probabilities: Float[N,30]", stacker.Inputs[0].ToString());
        float[] actual = stacker.RunFloat("member_probabilities", stackerInput, [count, width], "probabilities", out long[] shape);
        Assert.Equal([count, 10L], shape);
        AssertClose(reference.Stacker, actual);
        for (int row = 0; row < count; row++)
        {
            Assert.Equal(reference.Labels[row], ArgMax(actual.AsSpan(row * 10, 10)));
        }
    }

    [Fact]
    public void ConcurrentRunsOnOneMemberMatchSequentialRuns()
    {
        using var session = new InferenceSession(Paths.Model("mnist_cnn_2"), new SessionOptions { IntraOpThreads = 1, AllowSpinning = false });
        const int images = 32;
        float[][] inputs = Enumerable.Range(0, images).Select(i => TestSet.Value.ToModelInput(i, 1)).ToArray();
        float[][] sequential = inputs.Select(x => session.RunFloat("input", x, [1, 1, 28, 28], "probabilities", out _)).ToArray();

        var concurrent = new float[6][][];
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, thread =>
        {
            concurrent[thread] = new float[images * 3][];
            var shape = new long[2];
            for (int i = 0; i < concurrent[thread].Length; i++)
            {
                var output = new float[10];
                session.RunInto("input", inputs[(i + thread) % images], [1, 1, 28, 28], "probabilities", output, shape);
                concurrent[thread][i] = output;
            }
        });

        for (int thread = 0; thread < 6; thread++)
        {
            for (int i = 0; i < concurrent[thread].Length; i++)
            {
                Assert.Equal(sequential[(i + thread) % images], concurrent[thread][i]);
            }
        }
    }

    private static float[] RunMember(InferenceSession session, int count, out long[] shape)
    {
        // The reference covers test_indices, which are the first images; a batch of them in one run.
        int[] indices = Reference.Value.TestIndices;
        Assert.Equal(Enumerable.Range(indices[0], count), indices);
        return session.RunFloat("input", TestSet.Value.ToModelInput(indices[0], count), [count, 1, 28, 28], "probabilities", out shape);
    }

    private static void AssertClose(float[][] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length * 10, actual.Length);
        for (int row = 0; row < expected.Length; row++)
        {
            for (int column = 0; column < 10; column++)
            {
                float difference = Math.Abs(expected[row][column] - actual[row * 10 + column]);
                Assert.True(difference <= Tolerance, $"row {row}, class {column}: expected {expected[row][column]}, got {actual[row * 10 + column]} (|Δ| = {difference})");
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
