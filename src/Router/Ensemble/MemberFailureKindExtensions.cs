namespace EnsembleGrpc.Router.Ensemble;

/// <summary>Stable snake_case names of failure kinds, used as statistics keys and in messages.</summary>
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
        _ => "unknown_kind",
    };
}
