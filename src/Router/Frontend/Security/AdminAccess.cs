namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>What an admin call does, which decides what <see cref="AdminGuard"/> asks of it.</summary>
public enum AdminAccess
{
    /// <summary>Reads (config, statistics): open unless <see cref="AdminSecurityOptions.ProtectReads"/>.</summary>
    Read,

    /// <summary>Changes state (the split, feedback, any later rollout control): always needs the token.</summary>
    Write,
}
