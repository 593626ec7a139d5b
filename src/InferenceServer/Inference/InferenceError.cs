namespace EnsembleGrpc.InferenceServer.Inference;

/// <summary>A failed outcome: what went wrong, as a code and a message that is safe to show a client.</summary>
public sealed record InferenceError(InferenceErrorCode Code, string Message)
{
    public static InferenceError InvalidArgument(string message) => new(InferenceErrorCode.InvalidArgument, message);

    public static InferenceError NotFound(string message) => new(InferenceErrorCode.NotFound, message);

    public static InferenceError Unavailable(string message) => new(InferenceErrorCode.Unavailable, message);

    public static InferenceError ResourceExhausted(string message) => new(InferenceErrorCode.ResourceExhausted, message);

    public static InferenceError DeadlineExceeded(string message) => new(InferenceErrorCode.DeadlineExceeded, message);

    public static InferenceError Cancelled(string message) => new(InferenceErrorCode.Cancelled, message);

    public static InferenceError Internal(string message) => new(InferenceErrorCode.Internal, message);
}
