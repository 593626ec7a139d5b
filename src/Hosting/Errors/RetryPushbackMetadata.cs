using System.Globalization;
using Grpc.Core;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>
/// gRPC's retry pushback (gRFC A6): a server that refuses a call says in the <c>grpc-retry-pushback-ms</c> trailer how
/// many milliseconds the client should wait before it tries again; gRPC clients with a retry policy obey it. The router
/// writes it on every refusal, LoadGen reads it.
/// </summary>
public static class RetryPushbackMetadata
{
    public const string Key = "grpc-retry-pushback-ms";

    /// <summary>The trailers that tell a client to retry after <paramref name="wait"/> (whole milliseconds, rounded up).</summary>
    public static Metadata For(TimeSpan wait) =>
        new() { { Key, ((long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) } };

    /// <summary>The wait the trailers ask for; null without one, or with a value that is not a whole non-negative number.</summary>
    public static TimeSpan? Read(Metadata trailers)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        return long.TryParse(trailers.GetValue(Key), NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;
    }
}
