namespace EnsembleGrpc.InferenceServer.Inference;

/// <summary>
/// The engine's one error vocabulary (Triton's shape). The engine returns these as values; only the front end
/// turns them into protocol status codes, in one place.
/// </summary>
public enum InferenceErrorCode
{
    /// <summary>The request is malformed: wrong tensor name, datatype, shape, size or values.</summary>
    InvalidArgument,

    /// <summary>The model or version is not served here.</summary>
    NotFound,

    /// <summary>The model is served here but cannot answer now (loading, unloading, failed, injected fault).</summary>
    Unavailable,

    /// <summary>The model's queue is full.</summary>
    ResourceExhausted,

    /// <summary>The request's deadline passed before it could run.</summary>
    DeadlineExceeded,

    /// <summary>The caller went away or cancelled.</summary>
    Cancelled,

    /// <summary>The model failed while executing (or an injected internal fault).</summary>
    Internal,
}
