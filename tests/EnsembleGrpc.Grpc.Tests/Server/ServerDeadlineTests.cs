using System.Diagnostics;
using EnsembleGrpc.Grpc.Server;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerDeadlineTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Deadline_cancels_the_handler_token_and_answers_deadline_exceeded()
    {
        // The injected clock decides when the deadline passes: only once the handler runs (a real 100 ms could pass
        // before the handler even started on a loaded machine, and then no handler token would ever fire).
        var clock = new ManualTimeProvider();
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(clock));
        using var client = new RawGrpcClient(server.Address);

        var call = client.CallAsync(
            TestPaths.Echo,
            RawGrpcClient.Frame(new EchoRequest { DelayMs = 60_000 }),
            r => r.Headers.Add("grpc-timeout", "100m"));
        await server.Probe.HandlerStarted.Task.WaitAsync(Guard);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var response = await call.WaitAsync(Guard);

        Assert.Equal(StatusCode.DeadlineExceeded, response.StatusCode);
        Assert.Equal("Deadline Exceeded", response.RawMessage);
        await server.Probe.HandlerCancelled.Task.WaitAsync(Guard);
    }

    [Fact]
    public async Task Handler_ignoring_its_token_still_yields_deadline_exceeded_promptly()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var stopwatch = Stopwatch.StartNew();

        var response = await client.CallAsync(
            TestPaths.Echo,
            RawGrpcClient.Frame(new EchoRequest { DelayMs = 60_000, IgnoreCancellation = true }),
            r => r.Headers.Add("grpc-timeout", "200m")).WaitAsync(Guard);

        Assert.Equal(StatusCode.DeadlineExceeded, response.StatusCode);
        Assert.True(response.IsTrailersOnly);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        // The handler is still running: the answer did not wait for it.
        Assert.False(server.Probe.HandlerFinished.Task.IsCompleted);
    }

    [Fact]
    public async Task Deadline_follows_the_injected_clock_and_a_late_result_is_discarded()
    {
        var clock = new ManualTimeProvider();
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(clock));
        using var client = new RawGrpcClient(server.Address);

        var call = client.CallAsync(
            TestPaths.Echo,
            RawGrpcClient.Frame(new EchoRequest { DelayMs = 60_000, IgnoreCancellation = true }),
            r => r.Headers.Add("grpc-timeout", "5S"));
        var context = await server.Probe.HandlerStarted.Task.WaitAsync(Guard);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddSeconds(5), context.Deadline);
        Assert.False(call.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(server.Probe.HandlerCancelled.Task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var response = await call.WaitAsync(Guard);
        Assert.Equal(StatusCode.DeadlineExceeded, response.StatusCode);
        Assert.True(server.Probe.HandlerCancelled.Task.IsCompleted);

        // Now let the handler return its reply: it must be dropped without touching the finished response.
        server.Probe.ReleaseHandlers();
        Assert.Null(await server.Probe.HandlerFinished.Task.WaitAsync(Guard));
        await server.Logs.WaitForAsync(e => e.EventId.Name == "LateResultDiscarded").WaitAsync(Guard);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Handler_sees_the_deadline_the_client_sent()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest()), r => r.Headers.Add("grpc-timeout", "10S"));

        var remaining = response.Single(EchoReply.Parser).DeadlineRemainingMs;
        Assert.InRange(remaining, 1, 10_000);
    }

    [Fact]
    public async Task Malformed_timeout_is_ignored()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest()), r => r.Headers.Add("grpc-timeout", "soon"));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Equal(-1, response.Single(EchoReply.Parser).DeadlineRemainingMs);
        Assert.Contains(server.Logs.Entries, e => e.EventId.Name == "InvalidTimeout");
    }

    [Fact]
    public async Task Deadline_during_a_stream_ends_it_with_deadline_exceeded_in_trailers()
    {
        var clock = new ManualTimeProvider();
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(clock));
        using var client = new RawGrpcClient(server.Address);

        // Three messages go out at once, then the handler waits on its token: the deadline hits mid-stream, after
        // the client has seen them, whatever the machine's speed.
        using var response = await client.SendHeadersAsync(WithTimeout(client.CreateRequest(
            TestPaths.Stream,
            new ByteArrayContent(RawGrpcClient.Frame(new StreamRequest { Count = 1000, Immediate = 3, DelayMs = 60_000 }))), "5S")).WaitAsync(Guard);
        var body = await response.Content.ReadAsStreamAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, (await ReadReplyAsync(body).WaitAsync(Guard))!.Index);
        }

        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Null(await ReadReplyAsync(body).WaitAsync(Guard));
        Assert.False(response.Headers.Contains("grpc-status"));
        Assert.Equal("4", string.Join(",", response.TrailingHeaders.GetValues("grpc-status")));
        Assert.Equal("Deadline Exceeded", string.Join(",", response.TrailingHeaders.GetValues("grpc-message")));
        await server.Probe.HandlerCancelled.Task.WaitAsync(Guard);
    }

    [Fact]
    public async Task Deadline_while_the_handler_keeps_writing_ends_the_stream_with_deadline_exceeded_never_a_reset()
    {
        // Real time, writes every few ms: the deadline lands between, during or right after a write and flush.
        // Whatever the interleaving, the messages flushed are followed by DEADLINE_EXCEEDED trailers (no RST_STREAM).
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(
            TestPaths.Stream,
            RawGrpcClient.Frame(new StreamRequest { Count = 100_000, Immediate = 1, DelayMs = 5, PayloadSize = 64 }),
            r => r.Headers.Add("grpc-timeout", "2S")).WaitAsync(Guard);

        Assert.Equal(StatusCode.DeadlineExceeded, response.StatusCode);
        Assert.False(response.IsTrailersOnly);
        Assert.InRange(response.Frames.Count, 1, 99_999);
        for (var i = 0; i < response.Frames.Count; i++)
        {
            Assert.Equal(i, EchoReply.Parser.ParseFrom(response.Frames[i].Payload).Index);
        }
    }

    [Fact]
    public async Task A_write_racing_the_deadline_is_rejected_and_the_stream_ends_with_deadline_exceeded()
    {
        // The handler writes from its token's callback, i.e. at the very moment the deadline fires (the callback runs
        // on the timer's thread inside the cancellation). The call must already be complete then: the write is
        // rejected, and neither it nor its flush may reach the stream (a flush cancelled by the deadline token made
        // Kestrel reset the stream with INTERNAL_ERROR instead of sending the DEADLINE_EXCEEDED trailers).
        var clock = new ManualTimeProvider();
        var method = new Method<string, string>(MethodType.ServerStreaming, "test.Race", "WriteAtDeadline", Marshallers.StringMarshaller, Marshallers.StringMarshaller);
        var lateWrite = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, async (string request, IServerStreamWriter<string> responses, ServerCallContext context) =>
        {
            await responses.WriteAsync("before");
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (context.CancellationToken.Register(() =>
            {
                Task write;
                try
                {
                    write = responses.WriteAsync("at the deadline");
                }
                catch (Exception ex)
                {
                    write = Task.FromException(ex);
                }

                lateWrite.TrySetResult(write);
                cancelled.TrySetResult();
            }))
            {
                await cancelled.Task;
            }
        }).Build();
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(clock), e => e.MapGrpcService(definition), mapTestService: false);
        using var client = new RawGrpcClient(server.Address);

        using var response = await client.SendHeadersAsync(WithTimeout(client.CreateRequest(
            method.FullName,
            new ByteArrayContent(RawGrpcClient.Frame(System.Text.Encoding.UTF8.GetBytes("go")))), "1S")).WaitAsync(Guard);
        var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal("before", System.Text.Encoding.UTF8.GetString((await ReadFrameAsync(body).WaitAsync(Guard))!));

        clock.Advance(TimeSpan.FromSeconds(1));

        var write = await lateWrite.Task.WaitAsync(Guard);
        await Assert.ThrowsAsync<InvalidOperationException>(() => write);
        Assert.Null(await ReadFrameAsync(body).WaitAsync(Guard));
        Assert.Equal("4", string.Join(",", response.TrailingHeaders.GetValues("grpc-status")));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Deadline_while_a_flush_waits_for_the_client_delivers_the_message_then_deadline_exceeded()
    {
        // The client reads nothing at first, so HTTP/2 flow control holds a write's flush; the deadline passes during
        // it. The message in flight is still delivered once the client reads, then DEADLINE_EXCEEDED in trailers. (The
        // deadline token used to reach that flush, and Kestrel resets a stream whose flush is cancelled by its token:
        // RST_STREAM INTERNAL_ERROR, the flake seen under load, where a flush waits for the connection's writer.)
        var clock = new ManualTimeProvider();
        var method = new Method<string, string>(MethodType.ServerStreaming, "test.Race", "FlushAtDeadline", Marshallers.StringMarshaller, Marshallers.StringMarshaller);
        var flushPending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chunk = new string('x', 32 * 1024);
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, async (string request, IServerStreamWriter<string> responses, ServerCallContext context) =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var write = responses.WriteAsync(chunk);
                if (!write.IsCompleted)
                {
                    flushPending.TrySetResult();
                }

                await write;
            }
        }).Build();
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(clock), e => e.MapGrpcService(definition), mapTestService: false);
        using var client = new RawGrpcClient(server.Address);

        using var response = await client.SendHeadersAsync(WithTimeout(client.CreateRequest(
            method.FullName,
            new ByteArrayContent(RawGrpcClient.Frame(System.Text.Encoding.UTF8.GetBytes("go")))), "1S")).WaitAsync(Guard);
        await flushPending.Task.WaitAsync(Guard);

        clock.Advance(TimeSpan.FromSeconds(1));

        var body = await response.Content.ReadAsStreamAsync();
        var frames = 0;
        while (await ReadFrameAsync(body).WaitAsync(Guard) is { } payload)
        {
            Assert.Equal(chunk.Length, payload.Length);
            frames++;
        }

        Assert.InRange(frames, 1, 1999);
        Assert.Equal("4", string.Join(",", response.TrailingHeaders.GetValues("grpc-status")));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    private static HttpRequestMessage WithTimeout(HttpRequestMessage request, string timeout)
    {
        request.Headers.Add("grpc-timeout", timeout);
        return request;
    }

    /// <summary>The next frame's payload, or null at the end of the body.</summary>
    private static async Task<byte[]?> ReadFrameAsync(Stream body)
    {
        var header = new byte[5];
        var read = await body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false);
        if (read == 0)
        {
            return null;
        }

        Assert.Equal(5, read);
        var payload = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(payload);
        return payload;
    }

    private static async Task<EchoReply?> ReadReplyAsync(Stream body) =>
        await ReadFrameAsync(body) is { } payload ? EchoReply.Parser.ParseFrom(payload) : null;
}
