using System.Globalization;
using System.Net.Sockets;
using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// One call on Kestrel: the handler's <see cref="ServerCallContext"/>, and the owner of the response. Every response
/// write (headers, messages, status) goes through a gate: once the call is <em>completed</em> (normally, by an error
/// or by the deadline) nothing else is written, so a handler that outlives its deadline cannot corrupt the stream.
/// </summary>
internal sealed partial class HttpServerCallContext : ServerCallContext, IDisposable
{
    private static readonly Status DeadlineExceededStatus = new(StatusCode.DeadlineExceeded, "Deadline Exceeded");
    private static readonly Status ClientCancelledStatus = new(StatusCode.Cancelled, "Call canceled by the client.");
    private static readonly Status HandlerExceptionStatus = new(StatusCode.Unknown, "Exception was thrown by handler.");

    // Largest due time a timer accepts (about 49 days); a longer deadline never fires in practice.
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    private readonly GrpcServerRuntime _runtime;
    private readonly Lock _sync = new();
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private Dictionary<object, object>? _userState;
    private CancellationTokenSource? _deadlineCts;
    private ITimer? _deadlineTimer;
    private TaskCompletionSource? _deadlineReached;
    private DateTime _deadline = DateTime.MaxValue;
    private volatile bool _deadlineExceeded;
    private bool _completed;
    private bool _completedByDeadline;
    private bool _headersSent;
    private bool _bodyWritten;
    private bool _responseCorrupt;
    private bool _compressResponses;
    private Task? _pendingWrite;
    private ResponseSerializationContext? _serializationContext;
    private string? _peer;

    public HttpServerCallContext(HttpContext httpContext, string method, GrpcServerRuntime runtime)
    {
        HttpContext = httpContext;
        Method = method;
        _runtime = runtime;
    }

    public HttpContext HttpContext { get; }

    public override string Method { get; }

    public override string Host => HttpContext.Request.Host.Value ?? string.Empty;

    public override string Peer => _peer ??= FormatPeer(HttpContext.Connection);

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders => _requestHeaders ??= MetadataHeaders.FromRequestHeaders(HttpContext.Request.Headers);

    /// <summary>The linked deadline token when a deadline is set, otherwise the connection's abort token (no extra allocation).</summary>
    public override CancellationToken CancellationToken => _deadlineCts?.Token ?? HttpContext.RequestAborted;

    public override Metadata ResponseTrailers => _responseTrailers ??= [];

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public override WriteOptions? WriteOptions { get; set; }

    public override IDictionary<object, object> UserState => _userState ??= [];

    public bool HasDeadline => _deadlineReached is not null;

    /// <summary>Completes when the deadline passes; only meaningful when <see cref="HasDeadline"/>.</summary>
    public Task DeadlineReached => _deadlineReached?.Task ?? Task.CompletedTask;

    public GrpcServerRuntime Runtime => _runtime;

    /// <summary>
    /// Whether the deadline took the call's completion (the gate closed at the deadline, before the handler's token
    /// fired): then <see cref="CompleteDeadlineExceededAsync"/> must write the status, whatever the handler does.
    /// </summary>
    public bool CompletedByDeadline
    {
        get
        {
            lock (_sync)
            {
                return _completedByDeadline;
            }
        }
    }

    /// <summary>
    /// Sets the headers every response carries and starts the deadline. Call before the handler runs: afterwards the
    /// timer may complete the call from another thread.
    /// </summary>
    public void Initialize()
    {
        var response = HttpContext.Response;
        response.ContentType = GrpcProtocolConstants.ContentType;
        var headers = response.Headers;
        // Always advertised, so a client can pick an encoding we accept (and learn it from an UNIMPLEMENTED reply).
        headers[GrpcProtocolConstants.AcceptEncodingHeader] = GrpcProtocolConstants.SupportedEncodings;

        var requestHeaders = HttpContext.Request.Headers;
        if (_runtime.CompressResponses && ClientAcceptsGzip(requestHeaders))
        {
            headers[GrpcProtocolConstants.EncodingHeader] = GrpcProtocolConstants.GzipEncoding;
            _compressResponses = true;
        }

        if (requestHeaders.TryGetValue(GrpcProtocolConstants.TimeoutHeader, out var timeoutValue))
        {
            var text = timeoutValue.ToString();
            if (GrpcTimeout.TryParse(text, out var timeout))
            {
                StartDeadline(timeout);
            }
            else
            {
                // As C-core and grpc-dotnet: a malformed timeout is ignored, not fatal.
                Log.InvalidTimeout(_runtime.Logger, text, Method);
            }
        }
    }

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        lock (_sync)
        {
            ThrowIfCannotWrite();
            if (_headersSent || _bodyWritten)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call, before the first message.");
            }

            MetadataHeaders.AppendTo(HttpContext.Response.Headers, responseHeaders);
            _headersSent = true;
            return StartFlush();
        }
    }

    /// <summary>
    /// Writes one message of a streaming response and flushes it (unless the write options ask to buffer).
    /// Rejects a write while another is in flight, and any write after the call completed.
    /// </summary>
    public Task WriteStreamMessageAsync<T>(T message, Action<T, SerializationContext> serializer, WriteOptions? writeOptions)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_sync)
        {
            ThrowIfCannotWrite();
            var flags = (writeOptions ?? WriteOptions)?.Flags ?? default;
            WriteMessageCore(message, serializer, (flags & WriteFlags.NoCompress) == 0);
            return (flags & WriteFlags.BufferHint) != 0 ? Task.CompletedTask : StartFlush();
        }
    }

    /// <summary>
    /// Ends a unary or client-streaming call with the handler's response: message and status are written without a
    /// flush, so Kestrel sends headers, data and trailers together when the request delegate returns.
    /// </summary>
    public ValueTask CompleteWithResponseAsync<T>(T? response, Action<T, SerializationContext> serializer)
        where T : class
    {
        if (!TryBeginComplete())
        {
            Log.LateResultDiscarded(_runtime.Logger, Method);
            return ValueTask.CompletedTask;
        }

        return _pendingWrite is { IsCompleted: false }
            ? AwaitThenWriteResponseAsync(response, serializer)
            : WriteResponseAndStatus(response, serializer);
    }

    /// <summary>Ends a streaming-response call after the handler returned: its <see cref="Status"/> goes in the trailers.</summary>
    public ValueTask CompleteStreamingAsync()
    {
        if (!TryBeginComplete())
        {
            Log.LateResultDiscarded(_runtime.Logger, Method);
            return ValueTask.CompletedTask;
        }

        return _pendingWrite is { IsCompleted: false } ? AwaitThenWriteStatusAsync(Status) : WriteFinalStatus(Status);
    }

    /// <summary>Ends the call for a handler (or request-reading) exception, mapping it to a status.</summary>
    public async ValueTask CompleteWithExceptionAsync(Exception exception)
    {
        if (!TryBeginComplete())
        {
            // The deadline (or an earlier completion) already answered; this is the handler's late failure.
            Log.LateExceptionDiscarded(_runtime.Logger, Method, exception);
            return;
        }

        await AwaitPendingWriteAsync().ConfigureAwait(false);
        await WriteFinalStatus(MapException(exception)).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers DEADLINE_EXCEEDED now, even though the handler may still be running (it ignored its token): the
    /// response is completed so the client hears at once; the handler's eventual result is discarded by the gate.
    /// Only for a call <see cref="CompletedByDeadline"/> (the timer already closed the gate); call it once.
    /// </summary>
    public async Task CompleteDeadlineExceededAsync()
    {
        if (!CompletedByDeadline)
        {
            return;
        }

        // A message the handler got through the gate before the deadline is delivered first (its flush is not
        // cancellable by the deadline, see StartFlush), then the status goes in the trailers behind it.
        await AwaitPendingWriteAsync().ConfigureAwait(false);
        await WriteFinalStatus(DeadlineExceededStatus).ConfigureAwait(false);
        try
        {
            await HttpContext.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away meanwhile: nothing left to tell it.
        }
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _deadlineCts?.Dispose();
    }

    private static bool ClientAcceptsGzip(IHeaderDictionary requestHeaders)
    {
        foreach (var value in requestHeaders[GrpcProtocolConstants.AcceptEncodingHeader])
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.AsSpan().Split(','))
            {
                if (value.AsSpan()[part].Trim().Equals(GrpcProtocolConstants.GzipEncoding, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string FormatPeer(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"ipv6:[{address}]:{connection.RemotePort}")
            : string.Create(CultureInfo.InvariantCulture, $"ipv4:{address}:{connection.RemotePort}");
    }

    private void StartDeadline(TimeSpan timeout)
    {
        var timeProvider = _runtime.TimeProvider;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        _deadline = timeout >= DateTime.MaxValue - now ? DateTime.MaxValue : now + timeout;
        if (timeout > MaxTimerDueTime)
        {
            return;
        }

        _deadlineCts = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted);
        _deadlineReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _deadlineTimer = timeProvider.CreateTimer(static state => ((HttpServerCallContext)state!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    private void OnDeadline()
    {
        // Close the gate before the token fires: a handler that sees the cancellation (or merely races it) must find
        // the call complete, so no write of its can slip in between the deadline and the DEADLINE_EXCEEDED trailers.
        // When the call already completed (the handler's result is being written), the deadline has nothing to do.
        lock (_sync)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _completedByDeadline = true;
            // The flag with the gate: whoever sees the cancellation must be able to tell a deadline from a client abort.
            _deadlineExceeded = true;
        }

        Log.DeadlineExceeded(_runtime.Logger, Method);
        try
        {
            _deadlineCts!.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished and disposed it while the timer fired.
        }

        _deadlineReached!.TrySetResult();
    }

    private bool TryBeginComplete()
    {
        lock (_sync)
        {
            if (_completed)
            {
                return false;
            }

            _completed = true;
            return true;
        }
    }

    private void ThrowIfCannotWrite()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Can't write because the call is complete.");
        }

        if (_pendingWrite is { IsCompleted: false })
        {
            throw new InvalidOperationException("Can't write because the previous write is still in progress.");
        }
    }

    private void WriteMessageCore<T>(T message, Action<T, SerializationContext> serializer, bool compressible)
    {
        var context = _serializationContext ??= new ResponseSerializationContext();
        context.Reset(HttpContext.Response.BodyWriter, _runtime.MaxSendMessageSize, _compressResponses && compressible);
        try
        {
            serializer(message, context);
            context.EnsureCompleted();
        }
        catch when (context.HasWrittenToPipe)
        {
            // Part of a frame is in the pipe and cannot be taken back: the stream must be reset, not finished.
            _responseCorrupt = true;
            throw;
        }

        _bodyWritten = true;
    }

    private Task StartFlush()
    {
        // No token: Kestrel answers a flush cancelled by its token by aborting the stream (RST_STREAM INTERNAL_ERROR,
        // "ConnectionOrStreamAbortedByCancellationToken"), so the deadline token here would turn a message in flight
        // at the deadline into a reset instead of DEADLINE_EXCEEDED trailers. A client abort completes the flush by
        // itself; a deadline waits for it (CompleteDeadlineExceededAsync) and then sends the trailers behind it.
        var flush = HttpContext.Response.BodyWriter.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            _pendingWrite = null;
            return Task.CompletedTask;
        }

        var task = flush.AsTask();
        _pendingWrite = task;
        return task;
    }

    private async ValueTask AwaitPendingWriteAsync()
    {
        if (_pendingWrite is { } pending)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                // The write failed with the call (abort, deadline): the status below still decides the outcome.
            }
        }
    }

    private async ValueTask AwaitThenWriteResponseAsync<T>(T? response, Action<T, SerializationContext> serializer)
        where T : class
    {
        await AwaitPendingWriteAsync().ConfigureAwait(false);
        await WriteResponseAndStatus(response, serializer).ConfigureAwait(false);
    }

    private async ValueTask AwaitThenWriteStatusAsync(Status status)
    {
        await AwaitPendingWriteAsync().ConfigureAwait(false);
        await WriteFinalStatus(status).ConfigureAwait(false);
    }

    private ValueTask WriteResponseAndStatus<T>(T? response, Action<T, SerializationContext> serializer)
        where T : class
    {
        var status = Status;
        if (status.StatusCode == StatusCode.OK)
        {
            if (response is null)
            {
                // As grpc-dotnet: a unary handler must produce a message.
                status = new Status(StatusCode.Cancelled, "No message returned from method.");
            }
            else
            {
                try
                {
                    var flags = WriteOptions?.Flags ?? default;
                    WriteMessageCore(response, serializer, (flags & WriteFlags.NoCompress) == 0);
                }
                catch (Exception ex)
                {
                    status = MapException(ex);
                }
            }
        }

        return WriteFinalStatus(status);
    }

    private ValueTask WriteFinalStatus(Status status)
    {
        if (_responseCorrupt)
        {
            Log.ResponseCorrupt(_runtime.Logger, Method);
            HttpContext.Abort();
            return ValueTask.CompletedTask;
        }

        var response = HttpContext.Response;
        // Trailers-only (status in the headers, no body) when nothing was sent. Kestrel's HasStarted alone is not
        // enough: it stays false after GetSpan/Advance until a flush, so body writes are tracked here.
        IHeaderDictionary target;
        if (!_bodyWritten && !response.HasStarted)
        {
            target = response.Headers;
        }
        else if (HttpContext.Features.Get<IHttpResponseTrailersFeature>() is { } trailersFeature)
        {
            target = trailersFeature.Trailers;
        }
        else
        {
            // No trailers (not HTTP/2): the status cannot be delivered; a reset is the honest answer.
            HttpContext.Abort();
            return ValueTask.CompletedTask;
        }

        target[GrpcProtocolConstants.StatusTrailer] = StatusParsing.FormatCode(status.StatusCode);
        if (status.Detail.Length > 0)
        {
            target[GrpcProtocolConstants.MessageTrailer] = PercentEncoding.Encode(status.Detail);
        }

        if (_responseTrailers is { Count: > 0 } trailers)
        {
            MetadataHeaders.AppendTo(target, trailers);
        }

        return ValueTask.CompletedTask;
    }

    private Status MapException(Exception exception)
    {
        switch (exception)
        {
            case RpcException rpc:
                Log.RpcStatusRaised(_runtime.Logger, Method, rpc.StatusCode, rpc.Status.Detail);
                if (rpc.Trailers.Count > 0)
                {
                    foreach (var entry in rpc.Trailers)
                    {
                        ResponseTrailers.Add(entry);
                    }
                }

                return rpc.Status;
            case FramingException framing:
                Log.InvalidRequestMessage(_runtime.Logger, Method, framing.Message);
                return new Status(framing.StatusCode, framing.Message);
        }

        if (_deadlineExceeded)
        {
            // The handler (or the body read) gave up because its token fired at the deadline.
            return DeadlineExceededStatus;
        }

        if (HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream: an ordinary event, and nobody will read this status.
            Log.CallCancelledByClient(_runtime.Logger, Method, exception.GetType().Name);
            return ClientCancelledStatus;
        }

        Log.HandlerException(_runtime.Logger, Method, exception);
        if (!_runtime.EnableDetailedErrors)
        {
            return HandlerExceptionStatus;
        }

        return new Status(StatusCode.Unknown, $"{HandlerExceptionStatus.Detail} {exception.GetType().Name}: {exception.Message}", exception);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "HandlerException", Level = LogLevel.Error, Message = "Exception was thrown by the handler of {Method}.")]
        public static partial void HandlerException(ILogger logger, string method, Exception exception);

        [LoggerMessage(EventId = 2, EventName = "RpcStatusRaised", Level = LogLevel.Debug, Message = "{Method} ended with status {StatusCode}: {Detail}")]
        public static partial void RpcStatusRaised(ILogger logger, string method, StatusCode statusCode, string detail);

        [LoggerMessage(EventId = 3, EventName = "CallCancelledByClient", Level = LogLevel.Debug, Message = "{Method} was cancelled by the client ({ExceptionType}).")]
        public static partial void CallCancelledByClient(ILogger logger, string method, string exceptionType);

        [LoggerMessage(EventId = 4, EventName = "DeadlineExceeded", Level = LogLevel.Debug, Message = "{Method} exceeded its deadline.")]
        public static partial void DeadlineExceeded(ILogger logger, string method);

        [LoggerMessage(EventId = 5, EventName = "InvalidTimeout", Level = LogLevel.Debug, Message = "Ignoring invalid grpc-timeout '{Timeout}' on {Method}.")]
        public static partial void InvalidTimeout(ILogger logger, string timeout, string method);

        [LoggerMessage(EventId = 6, EventName = "InvalidRequestMessage", Level = LogLevel.Information, Message = "Rejected the request message of {Method}: {Reason}")]
        public static partial void InvalidRequestMessage(ILogger logger, string method, string reason);

        [LoggerMessage(EventId = 7, EventName = "LateResultDiscarded", Level = LogLevel.Debug, Message = "{Method} returned after its call was already complete (deadline); the result is discarded.")]
        public static partial void LateResultDiscarded(ILogger logger, string method);

        [LoggerMessage(EventId = 8, EventName = "LateExceptionDiscarded", Level = LogLevel.Debug, Message = "{Method} failed after its call was already complete (deadline); the error is discarded.")]
        public static partial void LateExceptionDiscarded(ILogger logger, string method, Exception exception);

        [LoggerMessage(EventId = 9, EventName = "ResponseCorrupt", Level = LogLevel.Error, Message = "A response message of {Method} failed to serialize after part of it was written; resetting the stream.")]
        public static partial void ResponseCorrupt(ILogger logger, string method);
    }
}
