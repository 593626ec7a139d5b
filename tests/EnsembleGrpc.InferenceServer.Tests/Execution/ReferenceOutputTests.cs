using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

/// <summary>
/// The repository's real models, run by the worker's executor, against models/data/reference-outputs.json (computed
/// by the training pipeline): what a client gets is what the model was trained to answer.
/// </summary>
public sealed class ReferenceOutputTests
{
    private static ReferenceOutputs Reference => Executors.Reference.Value;

    private static MnistSplit Split => Executors.Split.Value;

    public static TheoryData<string> Members => ["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"];

    [Fact]
    public void The_test_split_labels_match_the_reference()
        => Assert.Equal(Reference.Labels, Reference.TestIndices.Select(i => (int)Split.Labels[i]));

    [Theory]
    [MemberData(nameof(Members))]
    public void Member_outputs_match_the_reference(string member)
    {
        using var executor = Executors.Create(member);
        var expected = Reference.Members[member];
        var output = Assert.Single(executor.Run(expected.Length, [ReferenceInputs(expected.Length)]));
        Executors.AssertClose(expected, output);
    }

    [Fact]
    public void One_image_at_a_time_gives_the_same_as_one_batch()
    {
        using var executor = Executors.Create("mnist_cnn_1");
        var expected = Reference.Members["mnist_cnn_1"];
        for (var i = 0; i < expected.Length; i++)
        {
            var output = Assert.Single(executor.Run(1, [Split.Slice(Reference.TestIndices[i], 1)]));
            Executors.AssertClose([expected[i]], output);
        }
    }

    [Fact]
    public void Stacker_outputs_match_the_reference_and_its_labels()
    {
        var count = Reference.Stacker.Length;
        // The stacker's row is its members' probabilities concatenated, in its member order: [N, 10 × members].
        var width = 10 * Reference.StackerMembers.Length;
        var features = new float[count * width];
        for (var m = 0; m < Reference.StackerMembers.Length; m++)
        {
            using var member = Executors.Create(Reference.StackerMembers[m]);
            var probabilities = member.Run(count, [ReferenceInputs(count)])[0];
            for (var row = 0; row < count; row++)
            {
                probabilities.AsSpan(row * 10, 10).CopyTo(features.AsSpan(row * width + m * 10));
            }
        }

        using var stacker = Executors.Create("mnist_stacker");
        var actual = Assert.Single(stacker.Run(count, [features]));
        Executors.AssertClose(Reference.Stacker, actual);
        for (var row = 0; row < count; row++)
        {
            Assert.Equal(Reference.Labels[row], Tensors.ArgMax(actual.AsSpan(row * 10, 10)));
        }
    }

    /// <summary>The reference covers test_indices, the first images of the split: one batch of them.</summary>
    private static float[] ReferenceInputs(int count)
    {
        Assert.Equal(Enumerable.Range(Reference.TestIndices[0], count), Reference.TestIndices.Take(count));
        return Split.Slice(Reference.TestIndices[0], count);
    }
}
