using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>The client's log events, with fixed ids. Debug level: a failed call is the caller's to report.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Debug, "gRPC call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(2, LogLevel.Debug, "gRPC call {Method}: the server refused the HTTP/2 stream; sending again (attempt {Attempt} of {MaxAttempts})")]
    public static partial void RetryingRefusedStream(ILogger logger, string method, int attempt, int maxAttempts);

    [LoggerMessage(3, LogLevel.Debug, "gRPC call {Method}: deadline exceeded locally")]
    public static partial void DeadlineExceeded(ILogger logger, string method);
}
