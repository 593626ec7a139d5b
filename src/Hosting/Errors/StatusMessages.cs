using System.Text;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>
/// Bounds what a server says in a status message: at most <see cref="MaxBytes"/> bytes of UTF-8, cut with "…", so a
/// message that quotes a caller's input (a model or tensor name) never sends that input back at length.
/// </summary>
public static class StatusMessages
{
    /// <summary>1 KiB: room for any message we write, far below the header limits of HTTP/2 peers.</summary>
    public const int MaxBytes = 1024;

    private const string Ellipsis = "…";

    public static string Bound(string? message)
    {
        if (string.IsNullOrEmpty(message) || Encoding.UTF8.GetByteCount(message) <= MaxBytes)
        {
            return message ?? string.Empty;
        }

        int budget = MaxBytes - Encoding.UTF8.GetByteCount(Ellipsis);
        int bytes = 0;
        int length = 0;
        while (length < message.Length)
        {
            // A surrogate pair is one character: never cut between its halves.
            int width = char.IsHighSurrogate(message[length]) && length + 1 < message.Length ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(message.AsSpan(length, width));
            if (bytes + size > budget)
            {
                break;
            }

            bytes += size;
            length += width;
        }

        return string.Concat(message.AsSpan(0, length), Ellipsis);
    }
}
