namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>A model could not be loaded, or its file does not match its configuration.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
