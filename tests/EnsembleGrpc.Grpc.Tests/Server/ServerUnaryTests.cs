using System.Net;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerUnaryTests
{
    [Fact]
    public async Task Echo_sends_headers_one_message_and_ok_in_trailers()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { Payload = ByteString.CopyFromUtf8("hello") }));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal("application/grpc", response.ContentType);
        Assert.Equal("identity,gzip", response.Header("grpc-accept-encoding"));
        Assert.False(response.IsTrailersOnly);
        Assert.Equal("0", response.Trailer("grpc-status"));
        Assert.Null(response.Trailer("grpc-message"));
        var reply = response.Single(EchoReply.Parser);
        Assert.Equal("hello", reply.Payload.ToStringUtf8());
        Assert.Equal(-1, reply.DeadlineRemainingMs);
    }

    [Fact]
    public async Task Four_mebibyte_messages_round_trip_under_the_default_limit()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var payload = TestServiceImpl.Pattern(4 * 1024 * 1024 - 64);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { Payload = ByteString.CopyFrom(payload) }));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Equal(payload, response.Single(EchoReply.Parser).Payload.ToByteArray());
    }

    [Fact]
    public async Task Message_split_across_data_frames_is_reassembled()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var frame = RawGrpcClient.Frame(new EchoRequest { Payload = ByteString.CopyFromUtf8("split") });
        using var content = new StreamingContent();
        content.Write(frame[..2]);
        content.Write(frame[2..4]);
        content.Write(frame[4..9]);
        content.Write(frame[9..]);
        content.Complete();

        var response = await client.SendAsync(client.CreateRequest(TestPaths.Echo, content));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Equal("split", response.Single(EchoReply.Parser).Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Empty_request_message_is_a_valid_message()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame([]));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.True(response.Single(EchoReply.Parser).Payload.IsEmpty);
    }

    [Fact]
    public async Task Request_without_a_message_is_internal_incomplete_message()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, []);

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.Internal, response.StatusCode);
        Assert.Equal("Incomplete message.", response.RawMessage);
        Assert.False(server.Probe.HandlerStarted.Task.IsCompleted);
    }

    [Fact]
    public async Task Unary_request_with_two_messages_is_internal()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var frame = RawGrpcClient.Frame(new EchoRequest());

        var response = await client.CallAsync(TestPaths.Echo, [.. frame, .. frame]);

        Assert.Equal(StatusCode.Internal, response.StatusCode);
        Assert.Equal("Additional data after the message received.", response.RawMessage);
    }

    [Fact]
    public async Task Truncated_request_body_is_internal_incomplete_message()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var frame = RawGrpcClient.Frame(new EchoRequest { Payload = ByteString.CopyFromUtf8("cut short") });

        var response = await client.CallAsync(TestPaths.Echo, frame[..^3]);

        Assert.Equal(StatusCode.Internal, response.StatusCode);
        Assert.Equal("Incomplete message.", response.RawMessage);
    }
}
