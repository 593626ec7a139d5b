using System.Collections.Concurrent;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

/// <summary>One worker serving the four committed MNIST models on ONNX Runtime, shared by the tests of a class.</summary>
public sealed class MnistWorkerFixture : IAsyncLifetime
{
    public const int RequestBatch = 50;

    public static readonly string[] AllModels = ["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3", "mnist_cnn_weak", "mnist_stacker"];

    private readonly ConcurrentDictionary<string, Lazy<Task<float[]>>> _memberProbabilities = new();

    public TestWorker Worker { get; private set; } = null!;

    public MnistSplit Split { get; } = MnistSplit.Load(RepoPaths.MnistTestSplit);

    public async Task InitializeAsync()
        => Worker = await TestWorker.StartAsync(["--repository", RepoPaths.Models, "--models", string.Join(",", AllModels)]);

    public async Task DisposeAsync() => await Worker.DisposeAsync();

    /// <summary>A member's probabilities [count,10] for the whole split, through gRPC in raw batches (computed once).</summary>
    public Task<float[]> MemberProbabilitiesAsync(string model)
        => _memberProbabilities.GetOrAdd(model, m => new Lazy<Task<float[]>>(() => ComputeAsync(m))).Value;

    private async Task<float[]> ComputeAsync(string model)
    {
        var probabilities = new float[Split.Count * 10];
        for (var start = 0; start < Split.Count; start += RequestBatch)
        {
            var rows = Math.Min(RequestBatch, Split.Count - start);
            var response = await Worker.Client.ModelInferAsync(Tensors.Raw(model, "input", Split.Slice(start, rows), rows, 1, 28, 28));
            Assert.Equal([rows, 10], response.Outputs.Single().Shape);
            Tensors.Output(response).CopyTo(probabilities, start * 10);
        }

        return probabilities;
    }
}
