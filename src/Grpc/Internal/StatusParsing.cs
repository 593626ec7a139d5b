using System.Globalization;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Internal;

/// <summary>Reads and writes the grpc-status / grpc-message pair.</summary>
internal static class StatusParsing
{
    private static readonly string[] CodeStrings = Enumerable.Range(0, 17).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The decimal form of a code, cached: this is on every response.</summary>
    public static string FormatCode(StatusCode code)
    {
        var i = (int)code;
        return (uint)i < (uint)CodeStrings.Length ? CodeStrings[i] : i.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Parses grpc-status; false when absent or not a non-negative integer.</summary>
    public static bool TryParseCode(string? value, out StatusCode code)
    {
        if (value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
        {
            code = (StatusCode)i;
            return true;
        }

        code = StatusCode.Unknown;
        return false;
    }

    public static Status Create(StatusCode code, string? encodedMessage) =>
        new(code, encodedMessage is null ? string.Empty : PercentEncoding.Decode(encodedMessage));
}
