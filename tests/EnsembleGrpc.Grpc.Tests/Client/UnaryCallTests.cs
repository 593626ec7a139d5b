using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using EnsembleGrpc.Grpc.Internal;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Client;

/// <summary>What the client sends, and how deadlines, cancellation, retries and transport failures end a call.</summary>
public sealed class UnaryCallTests
{
    [Fact]
    public async Task The_request_is_a_grpc_http2_post_with_one_framed_message()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var request = new EchoRequest { Payload = ByteString.CopyFromUtf8("hello"), DelayMs = 3 };
        await client.EchoAsync(request);

        var sent = handler.Requests.Single();
        Assert.Equal(HttpMethod.Post, sent.Message.Method);
        Assert.Equal(new Uri("http://fake.test:5000/grpc.testing.ensemble.TestService/Echo"), sent.Message.RequestUri);
        Assert.Equal(HttpVersion.Version20, sent.Message.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, sent.Message.VersionPolicy);
        Assert.Equal("application/grpc", sent.Header("Content-Type"));
        Assert.Equal("trailers", sent.Header("te"));
        Assert.Equal("ensemblegrpc-dotnet/1.0", sent.Header("user-agent"));
        Assert.Equal("identity,gzip", sent.Header("grpc-accept-encoding"));
        Assert.Null(sent.Header("grpc-timeout"));
        Assert.Null(sent.Header("grpc-encoding"));
        Assert.Equal(FakeGrpcHandler.Frame(request), sent.Body);
    }

    [Fact]
    public async Task A_path_base_in_the_address_is_kept()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        var (channel, client) = ClientTestHelpers.Create(handler, address: "http://fake.test:5000/prefix/");
        using var _ = channel;
        await client.EchoAsync(new EchoRequest());
        Assert.Equal("/prefix/grpc.testing.ensemble.TestService/Echo", handler.Requests.Single().Message.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Metadata_goes_out_as_headers_and_comes_back_from_headers_and_trailers()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok"), configure: r =>
        {
            r.Headers.TryAddWithoutValidation("x-header", "h1");
            r.Headers.TryAddWithoutValidation("x-header-bin", Convert.ToBase64String([1, 2, 3]).TrimEnd('='));
            r.Headers.TryAddWithoutValidation("grpc-encoding", "identity");
            r.TrailingHeaders.TryAddWithoutValidation("x-trailer", "t1");
            r.TrailingHeaders.TryAddWithoutValidation("x-trailer-bin", Convert.ToBase64String([0, 255]));
        }));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var headers = new Metadata
        {
            { "x-text", "value 1" },
            { "x-data-bin", new byte[] { 0, 1, 254, 255 } },
            { "grpc-timeout", "1S" }, // reserved: not the caller's to set
        };
        using var call = client.EchoAsync(new EchoRequest(), headers);
        await call;

        var sent = handler.Requests.Single();
        Assert.Equal("value 1", sent.Header("x-text"));
        Assert.Equal(Convert.ToBase64String([0, 1, 254, 255]), sent.Header("x-data-bin"));
        Assert.Null(sent.Header("grpc-timeout"));

        var responseHeaders = await call.ResponseHeadersAsync;
        Assert.Equal("h1", responseHeaders.GetValue("x-header"));
        Assert.Equal(new byte[] { 1, 2, 3 }, responseHeaders.GetValueBytes("x-header-bin"));
        Assert.Null(responseHeaders.Get("grpc-encoding"));
        Assert.Null(responseHeaders.Get("content-type"));

        var trailers = call.GetTrailers();
        Assert.Equal("t1", trailers.GetValue("x-trailer"));
        Assert.Equal(new byte[] { 0, 255 }, trailers.GetValueBytes("x-trailer-bin"));
        Assert.Null(trailers.Get("grpc-status"));
    }

    [Fact]
    public async Task Error_trailers_ride_on_the_exception()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response([], grpcStatus: 9, grpcMessage: "nope", configure: r =>
            r.TrailingHeaders.TryAddWithoutValidation("x-reason", "quota")));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("quota", ex.Trailers.GetValue("x-reason"));
    }

    [Fact]
    public async Task The_deadline_goes_out_as_grpc_timeout()
    {
        var time = new ManualTimeProvider();
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.TimeProvider = time);
        using var _ = channel;

        await client.EchoAsync(new EchoRequest(), deadline: time.GetUtcNow().UtcDateTime.AddSeconds(2));

        var header = handler.Requests.Single().Header("grpc-timeout");
        Assert.NotNull(header);
        Assert.True(GrpcTimeout.TryParse(header, out var timeout), header);
        Assert.Equal(TimeSpan.FromSeconds(2), timeout);
        Assert.Equal(0, time.PendingTimers); // the deadline timer is gone with the call
    }

    [Fact]
    public async Task An_expired_deadline_fails_fast_without_sending()
    {
        var time = new ManualTimeProvider();
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.TimeProvider = time);
        using var _ = channel;

        using var call = client.EchoAsync(new EchoRequest(), deadline: time.GetUtcNow().UtcDateTime);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(0, handler.Calls);
        var headersError = await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, headersError.StatusCode);
    }

    [Fact]
    public async Task The_deadline_is_enforced_locally_when_the_server_never_answers()
    {
        var time = new ManualTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new FakeGrpcHandler(async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.TimeProvider = time);
        using var _ = channel;

        using var call = client.EchoAsync(new EchoRequest(), deadline: time.GetUtcNow().UtcDateTime.AddSeconds(5));
        await started.Task;
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.ResponseAsync.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task The_deadline_also_stops_a_body_that_never_ends()
    {
        var time = new ManualTimeProvider();
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response([]);
            response.Content = new StreamContent(new BlockingStream(reading));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.TimeProvider = time);
        using var _ = channel;

        using var call = client.EchoAsync(new EchoRequest(), deadline: time.GetUtcNow().UtcDateTime.AddMilliseconds(200));
        await call.ResponseHeadersAsync;
        await reading.Task;
        time.Advance(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task Cancellation_ends_the_call_with_cancelled_and_cancels_the_request()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new FakeGrpcHandler(async (_, ct) =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                handlerCancelled.SetResult();
                throw;
            }

            throw new InvalidOperationException("unreachable");
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;
        using var cts = new CancellationTokenSource();

        using var call = client.EchoAsync(new EchoRequest(), cancellationToken: cts.Token);
        await started.Task;
        cts.Cancel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await handlerCancelled.Task;
    }

    [Fact]
    public async Task An_already_cancelled_token_fails_without_sending()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest(), cancellationToken: new CancellationToken(true)).ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task Disposing_a_running_call_cancels_it()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new FakeGrpcHandler(async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var call = client.EchoAsync(new EchoRequest());
        await started.Task;
        call.Dispose();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task A_refused_stream_is_sent_again_and_succeeds()
    {
        var attempts = 0;
        using var handler = new FakeGrpcHandler((_, _) =>
            ++attempts <= 2 ? throw RefusedStream() : Task.FromResult(FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("third time"))));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var reply = await client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("p") });

        Assert.Equal("third time", reply.Payload.ToStringUtf8());
        Assert.Equal(3, handler.Calls);
        Assert.All(handler.Requests, r => Assert.Equal(FakeGrpcHandler.Frame(new EchoRequest { Payload = ByteString.CopyFromUtf8("p") }), r.Body));
    }

    [Fact]
    public async Task Refused_streams_beyond_the_retry_limit_are_unavailable()
    {
        using var handler = new FakeGrpcHandler((_, _) => throw RefusedStream());
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.MaxRetryAttemptsOnRefusedStream = 2);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task Other_stream_resets_are_not_retried()
    {
        using var handler = new FakeGrpcHandler((_, _) =>
            throw new HttpRequestException(HttpRequestError.HttpProtocolError, "reset", new HttpProtocolException(0x2, "INTERNAL_ERROR", null)));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task A_connection_failure_is_unavailable_with_the_reason()
    {
        using var handler = new FakeGrpcHandler((_, _) =>
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (fake.test:5000)", new SocketException((int)SocketError.ConnectionRefused)));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("Connection refused (fake.test:5000)", ex.Status.Detail, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(ex.Status.DebugException);
    }

    [Fact]
    public async Task A_connection_lost_mid_body_is_unavailable()
    {
        var frame = ClientTestHelpers.ReplyFrame("partial body");
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response([]);
            response.Content = new StreamContent(new ThrowingStream(frame[..8], new IOException("connection reset")));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("connection reset", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_reset_mid_body_maps_its_http2_code()
    {
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response([]);
            response.Content = new StreamContent(new ThrowingStream([0, 0], new HttpProtocolException(0x8, "The HTTP/2 server reset the stream. HTTP/2 error code 'CANCEL' (0x8).", null)));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task Request_compression_gzips_the_message_and_says_so()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.RequestCompression = "gzip");
        using var _ = channel;

        var request = new EchoRequest { Payload = ByteString.CopyFromUtf8(new string('a', 4096)) };
        await client.EchoAsync(request);

        var sent = handler.Requests.Single();
        Assert.Equal("gzip", sent.Header("grpc-encoding"));
        Assert.Equal(1, sent.Body[0]);
        Assert.True(sent.Body.Length < 1000);
        using var gzip = new GZipStream(new MemoryStream(sent.Body, 5, sent.Body.Length - 5), CompressionMode.Decompress);
        Assert.Equal(request, EchoRequest.Parser.ParseFrom(gzip));
    }

    [Fact]
    public async Task A_request_over_the_send_limit_is_resource_exhausted_without_sending()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.MaxSendMessageSize = 10);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[11]) }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task Status_and_trailers_are_unavailable_until_the_call_ends()
    {
        var release = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new FakeGrpcHandler((_, _) => release.Task);
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        using var call = client.EchoAsync(new EchoRequest());
        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        Assert.Throws<InvalidOperationException>(() => call.GetTrailers());
        release.SetResult(FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("ok")));
        await call;
        Assert.Equal(Status.DefaultSuccess, call.GetStatus());
    }

    private static HttpRequestException RefusedStream() =>
        new(HttpRequestError.HttpProtocolError, "The HTTP/2 server reset the stream. HTTP/2 error code 'REFUSED_STREAM' (0x7).", new HttpProtocolException(0x7, "REFUSED_STREAM", null));

    /// <summary>A body that never produces data; signals once a read is waiting and honours cancellation.</summary>
    private sealed class BlockingStream(TaskCompletionSource reading) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            reading.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
