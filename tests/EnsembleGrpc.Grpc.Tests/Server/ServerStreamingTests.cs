using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerStreamingTests
{
    [Fact]
    public async Task Stream_sends_every_message_then_ok_in_trailers()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Stream, RawGrpcClient.Frame(new StreamRequest { Count = 3, PayloadSize = 10 }));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.False(response.IsTrailersOnly);
        var replies = response.Frames.Select(f => EchoReply.Parser.ParseFrom(f.Payload)).ToList();
        Assert.Equal([0, 1, 2], replies.Select(r => r.Index));
        Assert.All(replies, r => Assert.Equal(TestServiceImpl.Pattern(10), r.Payload.ToByteArray()));
    }

    [Fact]
    public async Task Empty_stream_is_trailers_only_ok()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Stream, RawGrpcClient.Frame(new StreamRequest { Count = 0 }));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Error_mid_stream_keeps_the_sent_messages_and_puts_the_status_in_trailers()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Stream, RawGrpcClient.Frame(new StreamRequest { Count = 5, FailAfter = 2, FailCode = (int)StatusCode.Aborted, FailMessage = "stopped" }));

        Assert.Equal(2, response.Frames.Count);
        Assert.False(response.IsTrailersOnly);
        Assert.Equal("10", response.Trailer("grpc-status"));
        Assert.Equal("stopped", response.Trailer("grpc-message"));
    }

    [Fact]
    public async Task Error_before_the_first_message_is_trailers_only()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Stream, RawGrpcClient.Frame(new StreamRequest { Count = 5, FailAfter = 0, FailCode = (int)StatusCode.Unavailable, FailMessage = "later" }));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.Unavailable, response.StatusCode);
    }
}
