using EnsembleGrpc.Router.Ensemble;
using Grpc.Core;

namespace EnsembleGrpc.Router.Workers;

/// <summary>
/// The one place where a failed worker call (a gRPC status, a transport error, a malformed response) becomes a
/// <see cref="MemberFailureKind"/>. The caller's cancellation comes first: it never counts against the worker. The
/// only deadline a worker call carries is the router's own (timeout + slack; the caller's is not propagated), so
/// DEADLINE_EXCEEDED is always our timeout. A status in which the worker blamed the request or said it is busy is a
/// rejection (<see cref="Rejection"/>), which the breakers never count.
/// </summary>
public static class WorkerCallFailures
{
    public static WorkerReply Translate(Exception exception, CancellationToken cancellationToken, TimeSpan timeout) => exception switch
    {
        _ when cancellationToken.IsCancellationRequested => WorkerReply.Failed(MemberFailureKind.Cancelled, "the call was cancelled"),
        RpcException { StatusCode: StatusCode.DeadlineExceeded } => WorkerReply.Failed(MemberFailureKind.Timeout, $"no answer within {timeout.TotalMilliseconds:0} ms"),
        RpcException rpc when Rejection(rpc.StatusCode) is { } kind => WorkerReply.Failed(kind, $"{rpc.StatusCode}: {rpc.Status.Detail}"),
        // No connection: the transport's exception rides on the status, and its innermost socket error says why
        // ("Unavailable: Error connecting to subchannel" alone does not).
        RpcException { Status.DebugException: { } transport } rpc when IsTransport(transport)
            => WorkerReply.Failed(MemberFailureKind.WorkerError, $"{rpc.StatusCode}: {RootCause(transport)}", unreachable: true),
        RpcException rpc => WorkerReply.Failed(MemberFailureKind.WorkerError, $"{rpc.StatusCode}: {rpc.Status.Detail}"),
        InvalidDataException invalid => WorkerReply.Failed(MemberFailureKind.InvalidOutput, invalid.Message),
        HttpRequestException or IOException => WorkerReply.Failed(MemberFailureKind.WorkerError, RootCause(exception), unreachable: true),
        OperationCanceledException => WorkerReply.Failed(MemberFailureKind.WorkerError, "the call was cancelled"),
        _ => WorkerReply.Failed(MemberFailureKind.WorkerError, $"call failed ({exception.GetType().Name})"),
    };

    /// <summary>
    /// The failure kind of a status in which the worker answered deliberately about the request rather than failed:
    /// INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE and FAILED_PRECONDITION blame the request (see
    /// <see cref="MemberFailureKindExtensions.IsCallerBlamed"/>), RESOURCE_EXHAUSTED is a full queue (busy, not
    /// broken). Null for every other status, which is the worker's failure.
    /// </summary>
    public static MemberFailureKind? Rejection(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => MemberFailureKind.RejectedInvalid,
        StatusCode.NotFound => MemberFailureKind.RejectedNotFound,
        StatusCode.OutOfRange => MemberFailureKind.RejectedOutOfRange,
        StatusCode.FailedPrecondition => MemberFailureKind.RejectedPrecondition,
        StatusCode.ResourceExhausted => MemberFailureKind.Overloaded,
        _ => null,
    };

    /// <summary>The innermost socket error (e.g. "Connection refused"), else the innermost exception's message.</summary>
    public static string RootCause(Exception exception)
    {
        var innermost = exception;
        System.Net.Sockets.SocketException? socket = null;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            innermost = e;
            socket = e as System.Net.Sockets.SocketException ?? socket;
        }

        return socket is not null ? $"{socket.Message} ({socket.SocketErrorCode})" : innermost.Message;
    }

    private static bool IsTransport(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
