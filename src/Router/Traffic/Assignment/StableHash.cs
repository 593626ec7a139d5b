using System.Buffers;
using System.Text.Unicode;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// FNV-1a (64-bit) of a string's UTF-8 bytes: stable across processes, machines and .NET versions (unlike
/// string.GetHashCode), which sticky assignment needs. Encoded in stack-sized chunks, so no key length allocates.
/// </summary>
public static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;
    private const int ChunkBytes = 256;

    public static ulong Fnv1a64(string key)
    {
        ulong hash = OffsetBasis;
        Span<byte> buffer = stackalloc byte[ChunkBytes];
        ReadOnlySpan<char> rest = key;
        while (true)
        {
            // Lone surrogates become U+FFFD, as Encoding.UTF8 encodes them; a pair is never split across chunks.
            var status = Utf8.FromUtf16(rest, buffer, out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            foreach (byte b in buffer[..written])
            {
                hash = (hash ^ b) * Prime;
            }

            if (status != OperationStatus.DestinationTooSmall)
            {
                return hash;
            }

            rest = rest[read..];
        }
    }

    /// <summary>
    /// MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit over every output bit. FNV-1a alone
    /// leaves keys that differ in their last character close together in the high bits.
    /// </summary>
    public static ulong Mix64(ulong value)
    {
        value ^= value >> 33;
        value *= 0xff51afd7ed558ccdUL;
        value ^= value >> 33;
        value *= 0xc4ceb9fe1a85ec53UL;
        value ^= value >> 33;
        return value;
    }
}
