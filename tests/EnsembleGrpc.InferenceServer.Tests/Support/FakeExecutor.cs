using System.Collections.Concurrent;
using EnsembleGrpc.InferenceServer.Execution;

namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>
/// A model with input "x" [-1,Width] and outputs "doubled" = 2x [-1,Width] and "sum" = Σx [-1,1]. It records
/// every execution (rows and input values), can hold executions at a gate until the test opens it, and can be
/// told to fail.
/// </summary>
public sealed class FakeExecutor : IModelExecutor
{
    public const int Width = 4;

    private readonly ConcurrentQueue<float[]> _inputs = new();
    private readonly ConcurrentQueue<int> _batchSizes = new();
    private readonly ManualResetEventSlim _gate;
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    public FakeExecutor(bool gated = false) => _gate = new ManualResetEventSlim(!gated);

    /// <summary>Rows of every execution, in the order they started (warm-up runs included).</summary>
    public IReadOnlyList<int> BatchSizes => [.. _batchSizes];

    public IReadOnlyList<float[]> Inputs => [.. _inputs];

    public int Executions => _batchSizes.Count;

    public int MaxConcurrent { get; private set; }

    public bool Fail { get; set; }

    public bool Disposed { get; private set; }

    /// <summary>Completes when an execution has entered <see cref="Run"/> (re-armed by <see cref="ResetEntered"/>).</summary>
    public Task Entered => _entered.Task;

    public void ResetEntered() => _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.Set();

    public void Close() => _gate.Reset();

    public float[][] Run(int batchSize, IReadOnlyList<ReadOnlyMemory<float>> inputs)
    {
        var running = Interlocked.Increment(ref _running);
        MaxConcurrent = Math.Max(MaxConcurrent, running);
        try
        {
            var input = inputs[0].ToArray();
            _batchSizes.Enqueue(batchSize);
            _inputs.Enqueue(input);
            _entered.TrySetResult();

            // Blocking here is the point: it holds a "running batch" while the test fills the queue.
            _gate.Wait(TimeSpan.FromSeconds(30));
            if (Fail)
            {
                throw new ModelExecutionException("fake failure");
            }

            var doubled = input.Select(v => v * 2).ToArray();
            var sums = new float[batchSize];
            for (var r = 0; r < batchSize; r++)
            {
                sums[r] = input.AsSpan(r * Width, Width).ToArray().Sum();
            }

            return [doubled, sums];
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose() => Disposed = true;
}
