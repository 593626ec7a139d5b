using EnsembleGrpc.InferenceServer.Tests.Support;
using Xunit.Abstractions;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

/// <summary>The committed test split through gRPC must reproduce config.json's training.test_correct exactly.</summary>
public sealed class AccuracyTests : IClassFixture<MnistWorkerFixture>
{
    private readonly MnistWorkerFixture _fixture;
    private readonly ITestOutputHelper _output;

    public AccuracyTests(MnistWorkerFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Theory]
    [InlineData("mnist_cnn_1")]
    [InlineData("mnist_cnn_2")]
    [InlineData("mnist_cnn_3")]
    [InlineData("mnist_cnn_weak")] // the deliberately worse canary candidate (tools/train/weak.py)
    public async Task A_member_reproduces_its_test_accuracy_through_grpc(string model)
    {
        var split = _fixture.Split;
        var probabilities = await _fixture.MemberProbabilitiesAsync(model);
        var correct = CountCorrect(probabilities, split.Labels);
        _output.WriteLine($"{model}: {correct}/{split.Count} = {(double)correct / split.Count:P2} through gRPC (raw, batches of {MnistWorkerFixture.RequestBatch})");
        Assert.Equal(MnistSplit.ExpectedTestCorrect(model), correct);

        // Batch-1 requests with typed contents answer the same as the batched raw ones.
        for (var i = 0; i < 20; i++)
        {
            var response = await _fixture.Worker.Client.ModelInferAsync(Tensors.Typed(model, "input", split.Slice(i, 1), 1, 1, 28, 28));
            Assert.Empty(response.RawOutputContents);
            var single = Tensors.Output(response);
            var batched = probabilities.AsSpan(i * 10, 10);
            Assert.Equal(Tensors.ArgMax(batched), Tensors.ArgMax(single));
            for (var k = 0; k < 10; k++)
            {
                Assert.Equal(batched[k], single[k], 1e-5f);
            }
        }
    }

    [Fact]
    public async Task The_stacker_reproduces_its_test_accuracy_on_member_outputs_from_grpc()
    {
        var split = _fixture.Split;
        var members = MnistSplit.Members("mnist_stacker");
        var memberProbabilities = await Task.WhenAll(members.Select(_fixture.MemberProbabilitiesAsync));
        var width = members.Count * 10;
        var stacked = new float[split.Count * width];
        for (var n = 0; n < split.Count; n++)
        {
            for (var m = 0; m < members.Count; m++)
            {
                memberProbabilities[m].AsSpan(n * 10, 10).CopyTo(stacked.AsSpan((n * width) + (m * 10)));
            }
        }

        var probabilities = new float[split.Count * 10];
        for (var start = 0; start < split.Count; start += MnistWorkerFixture.RequestBatch)
        {
            var rows = Math.Min(MnistWorkerFixture.RequestBatch, split.Count - start);
            var response = await _fixture.Worker.Client.ModelInferAsync(
                Tensors.Raw("mnist_stacker", "member_probabilities", stacked.AsSpan(start * width, rows * width).ToArray(), rows, width));
            Tensors.Output(response).CopyTo(probabilities, start * 10);
        }

        var correct = CountCorrect(probabilities, split.Labels);
        _output.WriteLine($"mnist_stacker: {correct}/{split.Count} = {(double)correct / split.Count:P2} through gRPC");
        Assert.Equal(MnistSplit.ExpectedTestCorrect("mnist_stacker"), correct);
    }

    private static int CountCorrect(float[] probabilities, byte[] labels)
    {
        var correct = 0;
        for (var n = 0; n < labels.Length; n++)
        {
            correct += Tensors.ArgMax(probabilities.AsSpan(n * 10, 10)) == labels[n] ? 1 : 0;
        }

        return correct;
    }
}
