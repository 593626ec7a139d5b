namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>Why <see cref="AdminGuard"/> refused an admin call; each front end words and codes it for its protocol.</summary>
public enum AdminRefusal
{
    None,

    /// <summary>No admin token is configured, so what the call needs cannot be granted (not a guess: not counted).</summary>
    NotConfigured,

    /// <summary>No authorization header, or not a bearer token (counted as a failed attempt).</summary>
    MissingCredentials,

    /// <summary>A bearer token that does not match (counted as a failed attempt).</summary>
    InvalidToken,

    /// <summary>The caller's address failed too often and is locked out for <see cref="AdminVerdict.RetryAfter"/>.</summary>
    LockedOut,
}
