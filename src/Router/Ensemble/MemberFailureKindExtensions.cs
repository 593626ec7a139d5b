namespace EnsembleGrpc.Router.Ensemble;

/// <summary>Stable snake_case names of failure kinds, used as statistics keys and in messages, and what each kind blames.</summary>
public static class MemberFailureKindExtensions
{
    public static string ToKey(this MemberFailureKind kind) => kind switch
    {
        MemberFailureKind.None => "none",
        MemberFailureKind.Timeout => "timeout",
        MemberFailureKind.BreakerOpen => "breaker_open",
        MemberFailureKind.WorkerError => "worker_error",
        MemberFailureKind.InvalidOutput => "invalid_output",
        MemberFailureKind.Cancelled => "cancelled",
        MemberFailureKind.RejectedInvalid => "rejected_invalid_argument",
        MemberFailureKind.RejectedNotFound => "rejected_not_found",
        MemberFailureKind.RejectedOutOfRange => "rejected_out_of_range",
        MemberFailureKind.RejectedPrecondition => "rejected_failed_precondition",
        MemberFailureKind.Overloaded => "overloaded",
        MemberFailureKind.Shed => "shed",
        MemberFailureKind.Ejected => "ejected",
        MemberFailureKind.Late => "late",
        _ => "unknown_kind",
    };

    /// <summary>
    /// The worker blamed the request: the same request would fail on any healthy replica, so it is returned to the
    /// client with the worker's status instead of being hidden by a fallback over the other members.
    /// </summary>
    public static bool IsCallerBlamed(this MemberFailureKind kind) =>
        kind is MemberFailureKind.RejectedInvalid or MemberFailureKind.RejectedNotFound
            or MemberFailureKind.RejectedOutOfRange or MemberFailureKind.RejectedPrecondition;
}
