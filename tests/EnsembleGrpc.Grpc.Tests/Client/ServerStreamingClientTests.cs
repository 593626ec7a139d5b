using System.Net.Http.Headers;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Client;

public sealed class ServerStreamingClientTests
{
    [Fact]
    public async Task Messages_arrive_in_order_then_the_status()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(FakeGrpcHandler.Concat(
            ClientTestHelpers.ReplyFrame("a", 0), ClientTestHelpers.ReplyFrame(new string('b', 10_000), 1), ClientTestHelpers.ReplyFrame("c", 2)),
            configure: r => r.TrailingHeaders.TryAddWithoutValidation("x-done", "yes")));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        using var call = client.Stream(new StreamRequest { Count = 3 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal([0, 1, 2], indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("yes", call.GetTrailers().GetValue("x-done"));
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task A_mid_stream_error_comes_after_the_messages_already_received()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(
            FakeGrpcHandler.Concat(ClientTestHelpers.ReplyFrame("a", 0), ClientTestHelpers.ReplyFrame("b", 1)), grpcStatus: 10, grpcMessage: "aborted%20here"));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        using var call = client.Stream(new StreamRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(0, call.ResponseStream.Current.Index);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(1, call.ResponseStream.Current.Index);

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal("aborted here", ex.Status.Detail);
        Assert.Equal(StatusCode.Aborted, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task A_trailers_only_error_fails_the_first_read_and_the_headers()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.TrailersOnly(12, "Method not found"));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        using var call = client.Stream(new StreamRequest());
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task An_oversize_message_in_the_stream_is_resource_exhausted()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(FakeGrpcHandler.Concat(
            ClientTestHelpers.ReplyFrame("small"), ClientTestHelpers.ReplyFrame(new string('x', 5000)))));
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.MaxReceiveMessageSize = 1000);
        using var _ = channel;

        using var call = client.Stream(new StreamRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_read_cancels_the_call()
    {
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response([]);
            response.Content = new StreamContent(new PendingStream(ClientTestHelpers.ReplyFrame("first"), reading));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;
        using var cts = new CancellationTokenSource();

        using var call = client.Stream(new StreamRequest());
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        var next = call.ResponseStream.MoveNext(cts.Token);
        await reading.Task;
        cts.Cancel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => next);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task Disposing_the_call_between_reads_ends_it_cancelled()
    {
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response([]);
            response.Content = new StreamContent(new PendingStream(ClientTestHelpers.ReplyFrame("first"), reading));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var call = client.Stream(new StreamRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        call.Dispose();

        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task The_deadline_ends_a_stream_that_stalls()
    {
        var time = new ManualTimeProvider();
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response([]);
            response.Content = new StreamContent(new PendingStream(ClientTestHelpers.ReplyFrame("first"), reading));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.TimeProvider = time);
        using var _ = channel;

        using var call = client.Stream(new StreamRequest(), deadline: time.GetUtcNow().UtcDateTime.AddSeconds(1));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var next = call.ResponseStream.MoveNext(CancellationToken.None);
        await reading.Task;
        time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<RpcException>(() => next);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    /// <summary>Returns a prefix, then waits forever (honouring cancellation); signals when a read is waiting.</summary>
    private sealed class PendingStream(byte[] prefix, TaskCompletionSource reading) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsMemory(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

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
