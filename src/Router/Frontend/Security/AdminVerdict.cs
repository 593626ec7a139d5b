namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>
/// <see cref="AdminGuard"/>'s answer to one admin call, protocol-free: allowed, or refused with the reason, a message
/// safe for the caller (it never repeats what was presented) and, for a lockout, how long to wait.
/// </summary>
public readonly record struct AdminVerdict(AdminRefusal Refusal, string? Message, TimeSpan RetryAfter)
{
    public static AdminVerdict Allowed => default;

    public bool IsAllowed => Refusal == AdminRefusal.None;
}
