namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// The short codes a client sees for a fallback or a missing member: stable, documented (config/README.md), and free
/// of endpoint addresses and transport text, which stay in the router's logs and admin statistics.
/// </summary>
public static class FallbackReasons
{
    public const string StrategyFailed = "strategy_failed";

    public static string Code(MemberFailureKind kind) => kind switch
    {
        MemberFailureKind.Timeout => "member_timeout",
        MemberFailureKind.BreakerOpen => "breaker_open",
        MemberFailureKind.WorkerError => "member_error",
        MemberFailureKind.InvalidOutput => "invalid_output",
        MemberFailureKind.Overloaded => "member_overloaded",
        MemberFailureKind.Shed => "shed",
        MemberFailureKind.Cancelled => "cancelled",
        MemberFailureKind.Ejected => "ejected",
        MemberFailureKind.Late => "member_late",
        _ when kind.IsCallerBlamed() => "rejected",
        _ => "member_error",
    };

    /// <summary>"member: code" for every member that failed, in member order (e.g. "m2: member_timeout, m3: breaker_open"); strategy_failed when every member answered.</summary>
    public static string Of(IReadOnlyList<MemberOutcome> outcomes, bool allAnswered) =>
        allAnswered ? StrategyFailed : string.Join(", ", outcomes.Where(o => !o.Succeeded).Select(o => $"{o.Member}: {Code(o.Failure)}"));
}
