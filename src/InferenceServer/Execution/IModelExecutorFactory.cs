using EnsembleGrpc.InferenceServer.Repository;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>Creates executors; the seam that lets tests serve the real schedulers and front end over fakes.</summary>
public interface IModelExecutorFactory
{
    /// <summary>Loads the model (blocking; called on the thread pool) and checks it against its configuration.</summary>
    /// <exception cref="ModelLoadException">The model cannot be loaded or does not match its configuration.</exception>
    IModelExecutor Create(ModelDefinition model);
}
