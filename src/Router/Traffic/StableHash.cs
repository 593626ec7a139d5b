using System.Text;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// FNV-1a (64-bit) of a string's UTF-8 bytes: stable across processes, machines and .NET versions (unlike
/// string.GetHashCode), which sticky assignment needs.
/// </summary>
public static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Fnv1a64(string key)
    {
        ulong hash = OffsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        var bytes = max <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(key, buffer)] : Encoding.UTF8.GetBytes(key);
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
