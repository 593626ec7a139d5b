using System.Collections.Concurrent;
using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;

namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>Hands out one <see cref="FakeExecutor"/> per model; loading can be held at a gate.</summary>
public sealed class FakeExecutorFactory : IModelExecutorFactory
{
    private readonly ManualResetEventSlim _loadGate;

    public FakeExecutorFactory(bool gatedLoad = false) => _loadGate = new ManualResetEventSlim(!gatedLoad);

    public ConcurrentDictionary<string, FakeExecutor> Executors { get; } = new();

    public TaskCompletionSource LoadEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeExecutor this[string model] => Executors[model];

    public void OpenLoad() => _loadGate.Set();

    public IModelExecutor Create(ModelDefinition model)
    {
        LoadEntered.TrySetResult();
        _loadGate.Wait(TimeSpan.FromSeconds(30));
        return Executors[model.Name] = new FakeExecutor();
    }
}
