using EnsembleGrpc.Router.Ensemble;
using Grpc.Core;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>The status of a result without an answer: the one place where member failure kinds become codes.</summary>
public static class ResultStatus
{
    public static Status Of(EnsembleResult result)
    {
        // A worker's message can quote the caller's input: BoundedStatusInterceptor bounds it with every other status.
        string message = result.Message ?? "no member answered";
        if (result.Kind == EnsembleResultKind.Rejected)
        {
            var kind = result.Outcomes.Select(o => o.Failure).FirstOrDefault(k => k.IsCallerBlamed());
            return new Status(CodeOf(kind), message);
        }

        // Every member that did not answer was busy: the client may retry later (RESOURCE_EXHAUSTED, as the workers
        // say it), and nothing is broken. Any other mix is UNAVAILABLE.
        var failed = result.Outcomes.Where(o => !o.Succeeded).ToArray();
        return failed.Length > 0 && failed.All(o => o.Failure == MemberFailureKind.Overloaded)
            ? new Status(StatusCode.ResourceExhausted, message)
            : new Status(StatusCode.Unavailable, message);
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
