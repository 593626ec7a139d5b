using System.Buffers;
using System.Net;
using EnsembleGrpc.Grpc.Internal;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerCompressionAndLimitTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Gzip_request_is_accepted()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[50_000]) };

        var response = await client.CallAsync(
            TestPaths.Echo,
            RawGrpcClient.Frame(GzipCodec.Compress(request.ToByteArray()), compressed: true),
            r => r.Headers.Add("grpc-encoding", "gzip"));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Equal(50_000, response.Single(EchoReply.Parser).Payload.Length);
        Assert.Null(response.Header("grpc-encoding")); // responses stay plain unless configured
    }

    [Fact]
    public async Task Unknown_encoding_is_unimplemented_and_lists_what_we_accept()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame([1, 2, 3], compressed: true), r => r.Headers.Add("grpc-encoding", "snappy"));

        Assert.Equal(StatusCode.Unimplemented, response.StatusCode);
        Assert.Equal("identity,gzip", response.Header("grpc-accept-encoding"));
    }

    [Fact]
    public async Task Compressed_flag_without_grpc_encoding_is_internal()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(GzipCodec.Compress(new EchoRequest().ToByteArray()), compressed: true));

        Assert.Equal(StatusCode.Internal, response.StatusCode);
        Assert.Equal("Request did not include grpc-encoding value with compressed message.", response.RawMessage);
    }

    [Fact]
    public async Task Responses_are_gzipped_when_configured_and_the_client_accepts_it()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.ResponseCompressionAlgorithm = "gzip");
        using var client = new RawGrpcClient(server.Address);
        var body = RawGrpcClient.Frame(new EchoRequest { ReplySize = 0, Payload = ByteString.CopyFrom(new byte[20_000]) });

        var accepting = await client.CallAsync(TestPaths.Echo, body, r => r.Headers.Add("grpc-accept-encoding", "identity, gzip"));
        var plain = await client.CallAsync(TestPaths.Echo, body);

        Assert.Equal("gzip", accepting.Header("grpc-encoding"));
        var frame = Assert.Single(accepting.Frames);
        Assert.True(frame.Compressed);
        var reply = EchoReply.Parser.ParseFrom(GzipCodec.Decompress(new ReadOnlySequence<byte>(frame.Payload), int.MaxValue));
        Assert.Equal(20_000, reply.Payload.Length);

        Assert.Null(plain.Header("grpc-encoding"));
        Assert.False(Assert.Single(plain.Frames).Compressed);
    }

    [Fact]
    public async Task Oversize_request_is_resource_exhausted()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.MaxReceiveMessageSize = 1024);
        using var client = new RawGrpcClient(server.Address);
        var message = new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) }.ToByteArray();

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(message));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.ResourceExhausted, response.StatusCode);
        Assert.Equal($"Received message larger than max ({message.Length} vs. 1024)", response.RawMessage);
    }

    [Fact]
    public async Task Oversize_length_prefix_is_rejected_before_the_body_arrives()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        using var content = new StreamingContent();
        content.Write([0, 0x7F, 0xFF, 0xFF, 0xFF]); // claims 2 GiB, and nothing more is ever sent

        var response = await client.SendAsync(client.CreateRequest(TestPaths.Echo, content)).WaitAsync(Guard);

        Assert.Equal(StatusCode.ResourceExhausted, response.StatusCode);
        Assert.Equal("Received message larger than max (2147483647 vs. 4194304)", response.RawMessage);
    }

    [Fact]
    public async Task Oversize_gzip_request_once_inflated_is_resource_exhausted()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.MaxReceiveMessageSize = 10_000);
        using var client = new RawGrpcClient(server.Address);
        var message = new EchoRequest { Payload = ByteString.CopyFrom(new byte[100_000]) }.ToByteArray();

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(GzipCodec.Compress(message), compressed: true), r => r.Headers.Add("grpc-encoding", "gzip"));

        Assert.Equal(StatusCode.ResourceExhausted, response.StatusCode);
    }

    [Fact]
    public async Task Oversize_response_is_resource_exhausted()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.MaxSendMessageSize = 100);
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { ReplySize = 1000 }));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.ResourceExhausted, response.StatusCode);
        Assert.Equal("Sending message exceeds the maximum configured message size.", response.RawMessage);
    }

    [Fact]
    public async Task Request_body_is_bounded_per_message_not_by_kestrels_body_size_limit()
    {
        // Kestrel's whole-body limit (30 MB by default, 1 KiB here) would cap long streams; gRPC requests bypass it.
        await using var server = await TestServer.StartAsync(services => services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = 1024));
        using var client = new RawGrpcClient(server.Address);
        var message = new EchoRequest { Payload = ByteString.CopyFrom(new byte[100_000]), ReplySize = 1 }.ToByteArray();

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(message));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.Equal(StatusCode.OK, response.StatusCode);
    }
}
