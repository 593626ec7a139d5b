using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>Checks <c>authorization: Bearer &lt;token&gt;</c> on admin writes; anything else is UNAUTHENTICATED.</summary>
public static class AdminAuthorization
{
    private const string Scheme = "Bearer ";

    public static void Demand(ServerCallContext context, string? configuredToken)
    {
        if (string.IsNullOrEmpty(configuredToken))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "admin writes are disabled: no admin token is configured (admin_token in the routing file or ENSEMBLEGRPC_ADMIN_TOKEN)."));
        }

        string? header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing 'authorization: Bearer <token>' metadata."));
        }

        // Constant-time comparison: response timing must not reveal how much of a guess was right.
        var given = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        var expected = Encoding.UTF8.GetBytes(configuredToken);
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the bearer token is not valid."));
        }
    }
}
