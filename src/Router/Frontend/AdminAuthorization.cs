using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Router.Frontend.Security;
using Grpc.Core;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// Guards the RouterAdmin calls: the gRPC edge of <see cref="AdminGuard"/>, which holds the rules (writes need the
/// bearer token, reads only when protected, lockout after too many failures) and the logging. Here the call's peer and
/// <c>authorization</c> metadata go in, and a refusal comes out as a status: UNAUTHENTICATED, or RESOURCE_EXHAUSTED for
/// a locked-out caller with the wait in the <c>grpc-retry-pushback-ms</c> trailer.
/// </summary>
public sealed class AdminAuthorization(AdminGuard guard)
{
    /// <summary>For a call that changes state: a valid token is required.</summary>
    public void DemandWrite(ServerCallContext context, string? configuredToken) => Demand(AdminAccess.Write, context, configuredToken);

    /// <summary>For a read-only call: refused to a locked-out caller; needs the token only when reads are protected.</summary>
    public void DemandRead(ServerCallContext context, string? configuredToken) => Demand(AdminAccess.Read, context, configuredToken);

    private void Demand(AdminAccess access, ServerCallContext context, string? configuredToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var verdict = guard.Check(access, context.Method, CallerAddress.FromPeer(context.Peer),
            context.RequestHeaders.GetValue("authorization"), configuredToken);
        switch (verdict.Refusal)
        {
            case AdminRefusal.None:
                return;
            case AdminRefusal.LockedOut:
                throw new RpcException(new Status(StatusCode.ResourceExhausted, verdict.Message!), RetryPushbackMetadata.For(verdict.RetryAfter));
            case AdminRefusal.MissingCredentials:
                throw new RpcException(new Status(StatusCode.Unauthenticated, "missing 'authorization: Bearer <token>' metadata."));
            default:
                throw new RpcException(new Status(StatusCode.Unauthenticated, verdict.Message!));
        }
    }
}
