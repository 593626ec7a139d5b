using System.Net.Http.Headers;
using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>Moves call metadata between <see cref="Metadata"/> and HTTP headers (<c>-bin</c> values as base64).</summary>
internal static class HeaderMetadata
{
    /// <summary>The first value of a header, without the parsing and allocation of the validated header API.</summary>
    public static string? GetValue(HttpHeaders headers, string name)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Adds custom metadata to a request; protocol headers (content-type, te, grpc-*) are not the caller's to set and are skipped.</summary>
    public static void AddToRequest(HttpRequestHeaders headers, Metadata metadata)
    {
        for (var i = 0; i < metadata.Count; i++)
        {
            var entry = metadata[i];
            if (GrpcProtocolConstants.IsReservedHeader(entry.Key))
            {
                continue;
            }

            headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
        }
    }

    /// <summary>
    /// Response headers or trailers as metadata: protocol headers left out, <c>-bin</c> values decoded. Entries a
    /// <see cref="Metadata"/> cannot hold (bad base64, non-ASCII text) are dropped rather than failing the call.
    /// </summary>
    public static Metadata ToMetadata(HttpHeaders? headers)
    {
        if (headers is null)
        {
            return Metadata.Empty;
        }

        Metadata? metadata = null;
        foreach (var header in headers.NonValidated)
        {
            var key = header.Key.ToLowerInvariant();
            if (GrpcProtocolConstants.IsReservedHeader(key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                metadata ??= [];
                TryAdd(metadata, key, value);
            }
        }

        // Metadata.Empty is frozen, so a caller cannot mutate a shared instance.
        return metadata ?? Metadata.Empty;
    }

    private static void TryAdd(Metadata metadata, string key, string value)
    {
        try
        {
            if (Metadata.Entry.IsBinaryKey(key))
            {
                // A peer may join several binary values with commas, and may leave out base64 padding.
                foreach (var part in value.Split(','))
                {
                    metadata.Add(key, DecodeBase64(part.Trim()));
                }
            }
            else
            {
                metadata.Add(key, value);
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
        }
    }

    private static byte[] DecodeBase64(string value)
    {
        var padding = value.Length % 4;
        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', 4 - padding));
    }
}
