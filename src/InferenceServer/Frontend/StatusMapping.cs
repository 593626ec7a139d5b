using EnsembleGrpc.InferenceServer.Inference;
using Grpc.Core;

namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>The one place where the engine's errors become gRPC status codes (Triton's shape); BoundedStatusInterceptor bounds the messages.</summary>
public static class StatusMapping
{
    public static StatusCode ToStatusCode(InferenceErrorCode code) => code switch
    {
        InferenceErrorCode.InvalidArgument => StatusCode.InvalidArgument,
        InferenceErrorCode.NotFound => StatusCode.NotFound,
        InferenceErrorCode.Unavailable => StatusCode.Unavailable,
        InferenceErrorCode.ResourceExhausted => StatusCode.ResourceExhausted,
        InferenceErrorCode.DeadlineExceeded => StatusCode.DeadlineExceeded,
        InferenceErrorCode.Cancelled => StatusCode.Cancelled,
        _ => StatusCode.Internal,
    };

    public static RpcException ToRpcException(InferenceError error) => new(new Status(ToStatusCode(error.Code), error.Message));
}
