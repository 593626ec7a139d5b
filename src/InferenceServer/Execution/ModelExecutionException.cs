namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>A loaded model failed to execute a batch. The message is for logs, not for clients.</summary>
public sealed class ModelExecutionException : Exception
{
    public ModelExecutionException(string message)
        : base(message)
    {
    }

    public ModelExecutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
