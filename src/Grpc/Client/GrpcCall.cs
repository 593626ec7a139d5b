using System.Buffers;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>
/// One client call: builds the HTTP/2 request, enforces the deadline and cancellation locally, validates the response
/// in grpc-dotnet's order (status in headers, HTTP/2, HTTP status, content-type, messages, grpc-status in trailers)
/// and records the final status and trailers. Unary calls run in <see cref="RunUnaryAsync"/>; server-streaming calls
/// start in <see cref="StartServerStreaming"/> and are read through <see cref="MoveNextAsync"/>.
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    private const int ReasonNone = 0;
    private const int ReasonCancelled = 1;
    private const int ReasonDeadline = 2;
    private const int ReasonDisposed = 3;

    private const string UserAgent = "ensemblegrpc-dotnet/1.0";

    // Timers cannot be set further out than this; a deadline beyond it is left to the server.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly HttpMessageInvoker _invoker;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<Metadata>? _headersTcs;

    private CancellationTokenRegistration _userCancellation;
    private ITimer? _deadlineTimer;
    private TimeSpan? _timeout;
    private int _cancelReason;
    private HttpResponseMessage? _response;
    private ResponseFrameReader? _reader;
    private ClientDeserializationContext? _deserializationContext;
    private System.Net.Http.Headers.HttpHeaders? _trailerSource;
    private Metadata? _trailers;
    private Status _status;
    private volatile bool _finished;

    // Server streaming only.
    private Task<Status?>? _startTask;
    private int _reading;
    private TResponse? _current;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options, bool exposeHeaders)
    {
        _channel = channel;
        _method = method;
        _options = options;
        // Picked now so that a call on a disposed channel throws ObjectDisposedException at once.
        _invoker = channel.NextInvoker();
        if (exposeHeaders)
        {
            _headersTcs = new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task<Metadata>? ResponseHeadersTask => _headersTcs?.Task;

    public TResponse Current => _current!;

    public async Task<TResponse> RunUnaryAsync(TRequest request)
    {
        Status status;
        TResponse? message = null;
        try
        {
            if (Prepare(request, out var frame) is { } early)
            {
                status = early;
            }
            else
            {
                StartTimers();
                if (await SendAsync(frame!).ConfigureAwait(false) is { } headerStatus)
                {
                    status = headerStatus.StatusCode == StatusCode.OK ? NoMessageStatus() : headerStatus;
                }
                else
                {
                    var reader = await CreateReaderAsync().ConfigureAwait(false);
                    if (!await reader.ReadMessageAsync(_cts.Token).ConfigureAwait(false))
                    {
                        status = ReadTrailers();
                        if (status.StatusCode == StatusCode.OK)
                        {
                            status = NoMessageStatus();
                        }
                    }
                    else
                    {
                        message = Deserialize(reader);
                        status = await reader.ReadMessageAsync(_cts.Token).ConfigureAwait(false)
                            ? new Status(StatusCode.Internal, "Unexpected data after finished reading message.")
                            : ReadTrailers();
                    }
                }
            }
        }
        catch (Exception ex)
        {
            status = StatusFromException("Error reading response.", ex);
        }

        status = Finish(status);
        ReleaseReader();
        if (status.StatusCode == StatusCode.OK)
        {
            return message!;
        }

        throw new RpcException(status, GetTrailersCore());
    }

    public void StartServerStreaming(TRequest request) => _startTask = StartStreamingAsync(request);

    /// <summary>Reads the next streamed message; false once the call ended OK, an <see cref="RpcException"/> otherwise.</summary>
    public async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _reading, 1, 0) != 0)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }

        var registration = default(CancellationTokenRegistration);
        try
        {
            if (!_finished)
            {
                // Cancelling a read cancels the call, as in grpc-dotnet: the stream cannot be resumed mid-message.
                if (cancellationToken.CanBeCanceled)
                {
                    registration = cancellationToken.UnsafeRegister(static s => ((GrpcCall<TRequest, TResponse>)s!).Cancel(ReasonCancelled), this);
                }

                Status status;
                try
                {
                    if (await _startTask!.ConfigureAwait(false) is { } startStatus)
                    {
                        status = startStatus;
                    }
                    else
                    {
                        var reader = _reader ?? await CreateReaderAsync().ConfigureAwait(false);
                        if (await reader.ReadMessageAsync(_cts.Token).ConfigureAwait(false))
                        {
                            _current = Deserialize(reader);
                            return true;
                        }

                        status = ReadTrailers();
                    }
                }
                catch (Exception ex)
                {
                    status = StatusFromException("Error reading next message.", ex);
                }

                Finish(status);
                ReleaseReader();
            }

            var final = _status;
            if (final.StatusCode == StatusCode.OK)
            {
                return false;
            }

            throw new RpcException(final, GetTrailersCore());
        }
        finally
        {
            registration.Unregister();
            Volatile.Write(ref _reading, 0);
        }
    }

    public Status GetStatus() =>
        _finished ? _status : throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers() =>
        _finished ? GetTrailersCore() : throw new InvalidOperationException("Can't get the call trailers because the call has not completed.");

    /// <summary>Cancels a call still running (CANCELLED) and resets its HTTP/2 stream; nothing once it ended.</summary>
    public void Dispose()
    {
        if (_finished)
        {
            return;
        }

        Cancel(ReasonDisposed);
        // Reset the stream now, even when nobody reads again (grpc-dotnet does the same).
        Volatile.Read(ref _response)?.Dispose();

        // A streaming call with no read in flight is finished here; otherwise the read in flight finishes it.
        if (_startTask is { IsCompleted: true } && Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            Finish(CancelStatus(ReasonDisposed));
            ReleaseReader();
            Volatile.Write(ref _reading, 0);
        }
    }

    private async Task<Status?> StartStreamingAsync(TRequest request)
    {
        Status? status;
        try
        {
            if (Prepare(request, out var frame) is { } early)
            {
                status = early;
            }
            else
            {
                StartTimers();
                status = await SendAsync(frame!).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            status = StatusFromException("Error starting gRPC call.", ex);
        }

        if (status is { } final)
        {
            // Ended before any message: finish now so headers, status and resources don't wait for a reader.
            Finish(final);
        }

        return status;
    }

    /// <summary>Checks what must fail before anything is sent, and serializes the request; a status means "done".</summary>
    private Status? Prepare(TRequest request, out byte[]? frame)
    {
        frame = null;
        if (_options.CancellationToken.IsCancellationRequested)
        {
            return CancelStatus(ReasonCancelled);
        }

        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var utc = deadline.Kind == DateTimeKind.Local ? deadline.ToUniversalTime() : deadline;
            var remaining = utc - _channel.TimeProvider.GetUtcNow().UtcDateTime;
            if (remaining <= TimeSpan.Zero)
            {
                // Already expired: fail fast without sending (the server could only answer the same).
                return CancelStatus(ReasonDeadline);
            }

            _timeout = remaining;
        }

        var context = ClientSerializationContext.Rent();
        try
        {
            frame = context.Serialize(_method.RequestMarshaller, request);
        }
        finally
        {
            ClientSerializationContext.Return(context);
        }

        var payloadLength = ClientSerializationContext.PayloadLength(frame);
        if (payloadLength > _channel.MaxSendMessageSize)
        {
            frame = null;
            return new Status(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({payloadLength} vs. {_channel.MaxSendMessageSize}).");
        }

        if (_channel.Options.CompressRequests && ((_options.WriteOptions?.Flags ?? default) & WriteFlags.NoCompress) == 0)
        {
            frame = CompressFrame(frame);
        }

        return null;
    }

    private void StartTimers()
    {
        if (_options.CancellationToken.CanBeCanceled)
        {
            _userCancellation = _options.CancellationToken.UnsafeRegister(static s => ((GrpcCall<TRequest, TResponse>)s!).Cancel(ReasonCancelled), this);
        }

        if (_timeout is { } timeout && timeout < MaxTimerDelay)
        {
            _deadlineTimer = _channel.TimeProvider.CreateTimer(static s => ((GrpcCall<TRequest, TResponse>)s!).Cancel(ReasonDeadline), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Sends the request and validates the response headers: null when messages follow, else the final status.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Status?> SendAsync(byte[] frame)
    {
        HttpResponseMessage response;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var request = CreateRequest(frame);
                try
                {
                    response = await _invoker.SendAsync(request, _cts.Token).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (attempt < _channel.Options.MaxRetryAttemptsOnRefusedStream && _cancelReason == ReasonNone && ClientExceptions.IsRefusedStream(ex))
                {
                    // Refused before any processing and before any response headers: sending again is safe.
                    request.Dispose();
                    ClientLog.RetryingRefusedStream(_channel.Logger, _method.FullName, attempt + 1, _channel.Options.MaxRetryAttemptsOnRefusedStream);
                }
            }
        }
        catch (Exception ex)
        {
            return StatusFromException("Error starting gRPC call.", ex);
        }

        // Full fence, then read the reason; Dispose does the reverse, so one of the two disposes the response.
        Interlocked.Exchange(ref _response, response);
        if (Volatile.Read(ref _cancelReason) != ReasonNone)
        {
            return CancelStatus(_cancelReason);
        }

        var status = ValidateHeaders(response);
        _headersTcs?.TrySetResult(HeaderMetadata.ToMetadata(response.Headers));
        return status;
    }

    private HttpRequestMessage CreateRequest(byte[] frame)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetMethodUri(_method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new GrpcRequestContent(frame),
        };

        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocolConstants.UserAgentHeader, UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.TeHeader, GrpcProtocolConstants.TeTrailers);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.AcceptEncodingHeader, GrpcProtocolConstants.SupportedEncodings);
        if (_timeout is { } timeout)
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.TimeoutHeader, GrpcTimeout.Format(timeout));
        }

        if (frame[0] == 1)
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.EncodingHeader, GrpcProtocolConstants.GzipEncoding);
        }

        if (_options.Headers is { Count: > 0 } metadata)
        {
            HeaderMetadata.AddToRequest(headers, metadata);
        }

        return request;
    }

    /// <summary>grpc-dotnet's order: status in headers (trailers-only), HTTP/2, HTTP status, content-type.</summary>
    private Status? ValidateHeaders(HttpResponseMessage response)
    {
        if (HeaderMetadata.GetValue(response.Headers, GrpcProtocolConstants.StatusTrailer) is { } headerStatus)
        {
            // Trailers-only: the headers are the trailers, and the status in them wins over everything else.
            _trailerSource = response.Headers;
            return ParseStatus(headerStatus, HeaderMetadata.GetValue(response.Headers, GrpcProtocolConstants.MessageTrailer));
        }

        if (response.Version < HttpVersion.Version20)
        {
            return new Status(StatusCode.Internal, "Bad gRPC response. Response protocol downgraded to HTTP/" + response.Version.ToString(2) + ".");
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = (int)response.StatusCode;
            return new Status(HttpStatusMapping.ToStatusCode(code), "Bad gRPC response. HTTP status code: " + code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var contentType = HeaderMetadata.GetValue(response.Content.Headers, "Content-Type");
        if (contentType is null)
        {
            return new Status(StatusCode.Internal, "Bad gRPC response. Response did not have a content-type header.");
        }

        if (!GrpcProtocolConstants.IsGrpcContentType(contentType))
        {
            return new Status(StatusCode.Internal, "Bad gRPC response. Invalid content-type value: " + contentType);
        }

        return null;
    }

    private async ValueTask<ResponseFrameReader> CreateReaderAsync()
    {
        var stream = await _response!.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false);
        return _reader = new ResponseFrameReader(stream, _channel.MaxReceiveMessageSize);
    }

    private TResponse Deserialize(ResponseFrameReader reader)
    {
        var payload = reader.Payload;
        if (reader.Compressed)
        {
            payload = Decompress(payload);
        }

        var context = _deserializationContext ??= new ClientDeserializationContext();
        context.SetPayload(payload);
        try
        {
            return _method.ResponseMarshaller.ContextualDeserializer(context);
        }
        catch (Exception ex) when (ex is not FramingException and not OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize response message.", ex));
        }
        finally
        {
            context.SetPayload(default);
        }
    }

    private byte[] Decompress(ReadOnlyMemory<byte> payload)
    {
        var encoding = HeaderMetadata.GetValue(_response!.Headers, GrpcProtocolConstants.EncodingHeader);
        if (encoding is null or GrpcProtocolConstants.IdentityEncoding)
        {
            throw new FramingException(FramingError.CompressedWithoutEncoding, "Compressed message received but the response has no grpc-encoding.");
        }

        if (!string.Equals(encoding, GrpcProtocolConstants.GzipEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new FramingException(FramingError.UnsupportedEncoding, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: identity, gzip");
        }

        return GzipCodec.Decompress(new ReadOnlySequence<byte>(payload), _channel.MaxReceiveMessageSize);
    }

    /// <summary>The status in the trailers, which exist only once the body was read to its end.</summary>
    private Status ReadTrailers()
    {
        var trailers = _response!.TrailingHeaders;
        _trailerSource = trailers;
        return HeaderMetadata.GetValue(trailers, GrpcProtocolConstants.StatusTrailer) is { } value
            ? ParseStatus(value, HeaderMetadata.GetValue(trailers, GrpcProtocolConstants.MessageTrailer))
            : new Status(StatusCode.Internal, "No grpc-status found on response.");
    }

    private static Status ParseStatus(string value, string? message)
    {
        if (!StatusParsing.TryParseCode(value, out var code))
        {
            return new Status(StatusCode.Internal, "Unexpected grpc-status value: " + value);
        }

        return code == StatusCode.OK && message is null ? Status.DefaultSuccess : StatusParsing.Create(code, message);
    }

    private static Status NoMessageStatus() => new(StatusCode.Internal, "Failed to deserialize response message. The response had no message.");

    private Status StatusFromException(string summary, Exception exception)
    {
        // Our own cancellation surfaces as whatever the HTTP stack throws (OperationCanceledException, IOException,
        // ObjectDisposedException): the reason we recorded is the truth.
        var reason = Volatile.Read(ref _cancelReason);
        if (reason != ReasonNone)
        {
            return CancelStatus(reason);
        }

        if (exception is OperationCanceledException)
        {
            return new Status(StatusCode.Cancelled, "Call canceled.", exception);
        }

        return ClientExceptions.ToStatus(summary, exception);
    }

    private static Status CancelStatus(int reason) => reason switch
    {
        ReasonDeadline => new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"),
        ReasonDisposed => new Status(StatusCode.Cancelled, "gRPC call disposed."),
        _ => new Status(StatusCode.Cancelled, "Call canceled by the client."),
    };

    private void Cancel(int reason)
    {
        if (_finished || Interlocked.CompareExchange(ref _cancelReason, reason, ReasonNone) != ReasonNone)
        {
            return;
        }

        if (reason == ReasonDeadline)
        {
            ClientLog.DeadlineExceeded(_channel.Logger, _method.FullName);
        }

        _cts.Cancel();
    }

    /// <summary>Records the final status once (the first caller wins) and releases everything but the read buffer.</summary>
    private Status Finish(Status status)
    {
        lock (this)
        {
            if (_finished)
            {
                return _status;
            }

            _status = status;
            _finished = true;
        }

        _deadlineTimer?.Dispose();
        // Unregister (not Dispose): never wait for a callback that may be running this very code.
        _userCancellation.Unregister();
        // Resets the HTTP/2 stream when the body was not read to its end.
        Volatile.Read(ref _response)?.Dispose();

        if (status.StatusCode == StatusCode.OK)
        {
            _headersTcs?.TrySetResult(Metadata.Empty);
        }
        else
        {
            ClientLog.CallFailed(_channel.Logger, _method.FullName, status.StatusCode, status.Detail);
            if (_headersTcs is not null && _headersTcs.TrySetException(new RpcException(status)))
            {
                // Observed here so that callers who never ask for headers raise no UnobservedTaskException.
                _ = _headersTcs.Task.Exception;
            }
        }

        return status;
    }

    /// <summary>Returns the read buffer to the pool; only by whoever holds the read (unary run, or the read slot).</summary>
    private void ReleaseReader()
    {
        _reader?.Dispose();
        _reader = null;
    }

    private Metadata GetTrailersCore() => _trailers ??= HeaderMetadata.ToMetadata(_trailerSource);

    private static byte[] CompressFrame(byte[] frame)
    {
        var compressed = GzipCodec.Compress(frame.AsSpan(GrpcProtocolConstants.HeaderSize));
        var result = GC.AllocateUninitializedArray<byte>(GrpcProtocolConstants.HeaderSize + compressed.Length);
        MessageFraming.WriteHeader(result, compressed: true, compressed.Length);
        compressed.CopyTo(result.AsSpan(GrpcProtocolConstants.HeaderSize));
        return result;
    }
}
