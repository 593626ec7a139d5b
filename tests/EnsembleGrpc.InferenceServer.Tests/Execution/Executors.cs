using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

/// <summary>Real models from the repository on ONNX Runtime's CPU provider, as the worker runs them.</summary>
internal static class Executors
{
    public static readonly ExecutionSettings Cpu = new() { Device = ExecutionDevice.Cpu, IntraOpThreads = 1, InterOpThreads = 1 };

    public static readonly Lazy<MnistSplit> Split = new(() => MnistSplit.Load(RepoPaths.MnistTestSplit));

    public static readonly Lazy<ReferenceOutputs> Reference = new(() => ReferenceOutputs.Load(Path.Combine(RepoPaths.Models, "data", "reference-outputs.json")));

    public static ModelDefinition Read(string model) => new ModelRepository(RepoPaths.Models).Read(model).Definition!;

    public static IModelExecutor Create(string model, ExecutionSettings? settings = null)
        => new OrtModelExecutorFactory(settings ?? Cpu).Create(Read(model));

    /// <summary>Within 1e-5 of the reference, row by row, naming the first difference.</summary>
    public static void AssertClose(float[][] expected, ReadOnlySpan<float> actual, int classes = 10)
    {
        Assert.Equal(expected.Length * classes, actual.Length);
        for (var row = 0; row < expected.Length; row++)
        {
            for (var column = 0; column < classes; column++)
            {
                var difference = Math.Abs(expected[row][column] - actual[row * classes + column]);
                Assert.True(difference <= 1e-5f, $"row {row}, class {column}: expected {expected[row][column]}, got {actual[row * classes + column]} (|Δ| = {difference})");
            }
        }
    }
}
