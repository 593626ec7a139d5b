using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerCancellationTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Client_cancel_cancels_the_handler_token_and_is_logged_at_debug()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        using var cts = new CancellationTokenSource();

        var call = client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { DelayMs = 60_000 }), cancellationToken: cts.Token);
        await server.Probe.HandlerStarted.Task.WaitAsync(Guard);
        await cts.CancelAsync(); // RST_STREAM(CANCEL) from the client

        await server.Probe.HandlerCancelled.Task.WaitAsync(Guard);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var log = await server.Logs.WaitForAsync(e => e.EventId.Name == "CallCancelledByClient").WaitAsync(Guard);
        Assert.Equal(LogLevel.Debug, log.Level);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Client_cancel_during_a_stream_cancels_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        using var cts = new CancellationTokenSource();

        var response = await client.SendHeadersAsync(client.CreateRequest(TestPaths.Stream, new ByteArrayContent(RawGrpcClient.Frame(new StreamRequest { Count = 1000, DelayMs = 1000 }))), cts.Token);
        await server.Probe.HandlerStarted.Task.WaitAsync(Guard);
        await cts.CancelAsync(); // too late to matter: SendAsync has returned
        response.Dispose(); // disposes the unread content stream: RST_STREAM(CANCEL) from the client

        await server.Probe.HandlerCancelled.Task.WaitAsync(Guard);
        await server.Logs.WaitForAsync(e => e.EventId.Name == "CallCancelledByClient").WaitAsync(Guard);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }
}
