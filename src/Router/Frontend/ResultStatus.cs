using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Hosting.Errors;
using Grpc.Core;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>The one place where the engine's errors become gRPC status codes.</summary>
public static class ResultStatus
{
    /// <summary>The exception that ends the call with <see cref="Of"/>'s status, and the retry pushback when the engine gave one.</summary>
    public static RpcException Exception(InferenceOutcome outcome, bool deadlinePassed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var status = Of(outcome, deadlinePassed);
        return outcome.RetryAfter is { } wait ? new RpcException(status, RetryPushbackMetadata.For(wait)) : new RpcException(status);
    }

    /// <summary>
    /// The status of an outcome without an answer. A cancelled request is DEADLINE_EXCEEDED when its deadline passed
    /// (<paramref name="deadlinePassed"/>), else CANCELLED. The engine's messages are safe for clients; a worker's
    /// message can quote the caller's input, so BoundedStatusInterceptor bounds it with every other status.
    /// </summary>
    public static Status Of(InferenceOutcome outcome, bool deadlinePassed)
    {
        string message = outcome.Message ?? "no member answered";
        return outcome.Error switch
        {
            RouterError.ModelNotFound or RouterError.VersionNotFound => new Status(StatusCode.NotFound, message),
            RouterError.InvalidInput => new Status(StatusCode.InvalidArgument, message),
            RouterError.Rejected => new Status(CodeOf(outcome.RejectedAs), message),
            RouterError.Overloaded or RouterError.Shed => new Status(StatusCode.ResourceExhausted, message),
            RouterError.Cancelled when deadlinePassed => new Status(StatusCode.DeadlineExceeded, "the deadline passed before the ensemble answered"),
            RouterError.Cancelled => new Status(StatusCode.Cancelled, "the call was cancelled"),
            _ => new Status(StatusCode.Unavailable, message),
        };
    }

    /// <summary>The worker's own code for a rejection; INVALID_ARGUMENT when the kind is not one.</summary>
    public static StatusCode CodeOf(MemberFailureKind kind) => kind switch
    {
        MemberFailureKind.RejectedNotFound => StatusCode.NotFound,
        MemberFailureKind.RejectedOutOfRange => StatusCode.OutOfRange,
        MemberFailureKind.RejectedPrecondition => StatusCode.FailedPrecondition,
        _ => StatusCode.InvalidArgument,
    };
}
