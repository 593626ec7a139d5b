namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>Completes once loading ended: true when every model is ready, false when one failed.</summary>
public sealed class WorkerReadiness
{
    private readonly TaskCompletionSource<bool> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<bool> Loaded => _loaded.Task;

    internal void Complete(bool allReady) => _loaded.TrySetResult(allReady);
}
