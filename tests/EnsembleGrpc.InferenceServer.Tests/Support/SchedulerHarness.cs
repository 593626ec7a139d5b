using System.Runtime.InteropServices;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Scheduling;
using EnsembleGrpc.InferenceServer.Statistics;
using EnsembleGrpc.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>A scheduler over a <see cref="FakeExecutor"/> and a <see cref="ManualTimeProvider"/>, plus request builders.</summary>
internal sealed class SchedulerHarness : IAsyncDisposable
{
    public static readonly ModelDefinition Model = new(
        new ModelConfig
        {
            Name = "fake",
            Platform = ModelConfigValidator.OnnxPlatform,
            MaxBatchSize = 64,
            Inputs = [new TensorConfig { Name = "x", Datatype = "FP32", Shape = [-1, FakeExecutor.Width] }],
            Outputs =
            [
                new TensorConfig { Name = "doubled", Datatype = "FP32", Shape = [-1, FakeExecutor.Width] },
                new TensorConfig { Name = "sum", Datatype = "FP32", Shape = [-1, 1] },
            ],
        },
        "1",
        "/nonexistent/model.onnx");

    public SchedulerHarness(BatchingPolicy policy, bool gated = false, bool start = true)
    {
        Executor = new FakeExecutor(gated);
        Statistics = new ModelStatisticsCollector(Model.Name, Model.Version);
        Scheduler = policy.Kind == SchedulerKind.Direct
            ? new DirectScheduler(Model, policy, Executor, Statistics, Time, NullLogger.Instance)
            : new DynamicBatcher(Model, policy, Executor, Statistics, Time, NullLogger.Instance);
        if (start)
        {
            Scheduler.Start();
        }
    }

    public ManualTimeProvider Time { get; } = new();

    public FakeExecutor Executor { get; }

    public ModelStatisticsCollector Statistics { get; }

    public QueuedScheduler Scheduler { get; }

    /// <summary>A request of <paramref name="rows"/> rows whose values are <c>seed + element index</c>.</summary>
    public InferenceRequest Request(int rows, float seed = 0, TimeSpan? deadlineIn = null, CancellationToken cancellationToken = default, bool deadlineCancelsToken = false)
    {
        var values = Values(rows, seed);
        return new InferenceRequest
        {
            ModelName = Model.Name,
            ModelVersion = Model.Version,
            Id = $"r{seed}",
            Inputs = [new InputTensor("x", [rows, FakeExecutor.Width], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())],
            RequestedOutputs = [0, 1],
            BatchSize = rows,
            Deadline = deadlineIn is { } d ? Time.GetUtcNow() + d : null,
            CancellationToken = cancellationToken,
            DeadlineCancelsToken = deadlineCancelsToken,
            ArrivalTimestamp = Time.GetTimestamp(),
        };
    }

    public static float[] Values(int rows, float seed) => [.. Enumerable.Range(0, rows * FakeExecutor.Width).Select(i => seed + i)];

    /// <summary>Asserts the outcome is exactly the request's own rows, doubled and summed.</summary>
    public static void AssertOwnRows(InferenceOutcome outcome, int rows, float seed)
    {
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        var values = Values(rows, seed);
        Assert.Equal(values.Select(v => v * 2), outcome.Outputs![0].Data.ToArray());
        Assert.Equal([rows, FakeExecutor.Width], outcome.Outputs[0].Shape);
        var sums = Enumerable.Range(0, rows).Select(r => values.Skip(r * FakeExecutor.Width).Take(FakeExecutor.Width).Sum());
        Assert.Equal(sums, outcome.Outputs[1].Data.ToArray());
        Assert.Equal([rows, 1], outcome.Outputs[1].Shape);
    }

    public async ValueTask DisposeAsync()
    {
        Executor.Open();
        await Scheduler.DisposeAsync();
    }
}
