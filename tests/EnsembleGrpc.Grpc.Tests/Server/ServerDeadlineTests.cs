using System.Diagnostics;
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
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(
            TestPaths.Echo,
            RawGrpcClient.Frame(new EchoRequest { DelayMs = 60_000 }),
            r => r.Headers.Add("grpc-timeout", "100m")).WaitAsync(Guard);

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
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        // The first message goes out at once, then each waits 50 ms: the deadline hits mid-stream.
        var response = await client.CallAsync(
            TestPaths.Stream,
            RawGrpcClient.Frame(new StreamRequest { Count = 1000, DelayMs = 50 }),
            r => r.Headers.Add("grpc-timeout", "300m")).WaitAsync(Guard);

        Assert.Equal(StatusCode.DeadlineExceeded, response.StatusCode);
        Assert.False(response.IsTrailersOnly);
        Assert.NotEmpty(response.Frames);
        Assert.True(response.Frames.Count < 1000);
    }
}
