using System.Security.Cryptography;
using System.Text;

namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>
/// Compares a presented token with the configured one in time that depends on neither: both are hashed (SHA-256 of
/// their UTF-8 bytes) and the fixed-size digests compared with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// so neither how many leading characters of a guess were right nor the token's length shows in the response time.
/// </summary>
public static class TokenComparer
{
    public static bool FixedTimeMatches(string? presented, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> wanted = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? string.Empty), given);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), wanted);
        // An empty expected token never matches: "no token configured" must not mean "any empty header passes".
        return CryptographicOperations.FixedTimeEquals(given, wanted) && expected.Length > 0;
    }
}
