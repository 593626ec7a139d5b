namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>Why a request was not admitted; <see cref="Admitted"/> when it was.</summary>
public enum AdmissionResult
{
    Admitted,

    /// <summary>Every slot was taken and the queue was full.</summary>
    QueueFull,

    /// <summary>It waited in the queue for the whole queue timeout.</summary>
    QueueTimeout,

    /// <summary>The caller cancelled while waiting.</summary>
    Cancelled,
}
