using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>Converts between HTTP/2 header fields and call <see cref="Metadata"/> (<c>-bin</c> values are base64 on the wire).</summary>
internal static class MetadataHeaders
{
    /// <summary>
    /// Every non-reserved request header as metadata. Headers that cannot be metadata (bad key characters, non-ASCII
    /// text, invalid base64) are skipped rather than failing the call: they were never meant for the handler.
    /// </summary>
    public static Metadata FromRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocolConstants.IsReservedHeader(name) || !IsValidKey(name))
            {
                continue;
            }

            var key = name.ToLowerInvariant();
            var binary = key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal);
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (binary)
                {
                    // A peer may fold several binary values into one header, comma-separated, each base64 on its own.
                    foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (TryDecodeBase64(part, out var bytes))
                        {
                            metadata.Add(new Metadata.Entry(key, bytes));
                        }
                    }
                }
                else if (IsPrintableAscii(value))
                {
                    metadata.Add(new Metadata.Entry(key, value));
                }
            }
        }

        return metadata;
    }

    /// <summary>
    /// Appends metadata to response headers or trailers. Reserved names are skipped: a handler must not be able to
    /// forge grpc-status or content-type.
    /// </summary>
    public static void AppendTo(IHeaderDictionary target, Metadata metadata)
    {
        for (var i = 0; i < metadata.Count; i++)
        {
            var entry = metadata[i];
            if (GrpcProtocolConstants.IsReservedHeader(entry.Key))
            {
                continue;
            }

            var value = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;
            target.Append(entry.Key, new StringValues(value));
        }
    }

    /// <summary>Decodes base64 with or without padding (the gRPC spec asks receivers to accept both).</summary>
    public static bool TryDecodeBase64(string value, out byte[] bytes)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };

        var buffer = new byte[(padded.Length / 4) * 3];
        if (Convert.TryFromBase64String(padded, buffer, out var written))
        {
            bytes = written == buffer.Length ? buffer : buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }

    private static bool IsValidKey(string name)
    {
        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                return false;
            }
        }

        return name.Length > 0;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
