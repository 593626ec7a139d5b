using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using EnsembleGrpc.Grpc.Tests.Protos;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Client;

/// <summary>How the client judges a response, in grpc-dotnet's order; every case from canned responses.</summary>
public sealed class UnaryResponseValidationTests
{
    [Fact]
    public async Task A_framed_message_with_OK_trailers_is_the_response()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("pong", 7)));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        using var call = client.EchoAsync(new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFromUtf8("ping") });
        var reply = await call;

        Assert.Equal("pong", reply.Payload.ToStringUtf8());
        Assert.Equal(7, reply.Index);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Empty(call.GetTrailers());
    }

    [Fact]
    public async Task Trailers_only_status_in_headers_wins()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.TrailersOnly(5, "no such model"));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        using var call = client.EchoAsync(new EchoRequest());
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("no such model", ex.Status.Detail);
        Assert.Equal(ex.Status, call.GetStatus());
    }

    [Fact]
    public async Task Trailers_only_status_wins_even_over_a_bad_http_status()
    {
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.TrailersOnly(7, "denied");
            response.StatusCode = HttpStatusCode.ServiceUnavailable;
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task Http_status_without_grpc_status_is_mapped(int httpStatus, StatusCode expected)
    {
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)httpStatus) { Version = HttpVersion.Version20, Content = new StringContent("<html>oops</html>") };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/html");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(expected, ex.StatusCode);
        Assert.Equal("Bad gRPC response. HTTP status code: " + httpStatus, ex.Status.Detail);
    }

    [Fact]
    public async Task Http11_response_is_a_downgrade()
    {
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("x"));
            response.Version = HttpVersion.Version11;
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("downgraded to HTTP/1.1", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_content_type_is_internal()
    {
        using var handler = FakeGrpcHandler.Returning(() =>
        {
            var response = FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("x"));
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/html");
            return response;
        });
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Bad gRPC response. Invalid content-type value: text/html", ex.Status.Detail);
    }

    [Fact]
    public async Task Missing_grpc_status_is_internal()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("x"), grpcStatus: null));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("No grpc-status found on response.", ex.Status.Detail);
    }

    [Fact]
    public async Task Two_messages_in_a_unary_response_are_internal()
    {
        using var handler = FakeGrpcHandler.Returning(() =>
            FakeGrpcHandler.Response(FakeGrpcHandler.Concat(ClientTestHelpers.ReplyFrame("a"), ClientTestHelpers.ReplyFrame("b"))));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task OK_without_a_message_is_internal()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response([]));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task A_truncated_message_is_internal()
    {
        var frame = ClientTestHelpers.ReplyFrame("truncated payload");
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(frame[..^3]));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Incomplete message.", ex.Status.Detail);
    }

    [Fact]
    public async Task A_response_over_the_receive_limit_is_resource_exhausted_before_it_is_buffered()
    {
        var frame = ClientTestHelpers.ReplyFrame(new string('x', 200));
        var payloadLength = frame.Length - 5;
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(frame[..5])); // only the prefix arrives
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.MaxReceiveMessageSize = 100);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal($"Received message larger than max ({payloadLength} vs. 100)", ex.Status.Detail);
    }

    [Fact]
    public async Task A_gzip_response_is_inflated()
    {
        var payload = new EchoReply { Payload = Google.Protobuf.ByteString.CopyFromUtf8(new string('z', 1000)) };
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(
            FakeGrpcHandler.Frame(Gzip(Google.Protobuf.MessageExtensions.ToByteArray(payload)), compressed: true),
            configure: r => r.Headers.TryAddWithoutValidation("grpc-encoding", "gzip")));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var reply = await client.EchoAsync(new EchoRequest());
        Assert.Equal(payload, reply);
        Assert.Equal("identity,gzip", handler.Requests.Single().Header("grpc-accept-encoding"));
    }

    [Fact]
    public async Task A_gzip_response_inflating_past_the_limit_is_resource_exhausted()
    {
        var payload = new EchoReply { Payload = Google.Protobuf.ByteString.CopyFromUtf8(new string('z', 10_000)) };
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(
            FakeGrpcHandler.Frame(Gzip(Google.Protobuf.MessageExtensions.ToByteArray(payload)), compressed: true),
            configure: r => r.Headers.TryAddWithoutValidation("grpc-encoding", "gzip")));
        var (channel, client) = ClientTestHelpers.Create(handler, o => o.MaxReceiveMessageSize = 1000);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task A_compressed_message_without_grpc_encoding_is_internal()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(FakeGrpcHandler.Frame(Gzip([1, 2, 3]), compressed: true)));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task Grpc_message_is_percent_decoded()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response([], grpcStatus: 3, grpcMessage: "caf%C3%A9 100%25 %E2%9C%93"));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("café 100% ✓", ex.Status.Detail);
    }

    [Fact]
    public async Task An_error_after_a_message_is_the_unary_result()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("x"), grpcStatus: 13, grpcMessage: "late failure"));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("late failure", ex.Status.Detail);
    }

    [Fact]
    public async Task An_unparsable_message_is_internal()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.Response(FakeGrpcHandler.Frame([0xFF, 0xFF, 0xFF])));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Failed to deserialize response message.", ex.Status.Detail);
    }

    [Fact]
    public void Blocking_unary_call_returns_the_response_or_throws_the_status()
    {
        var fail = false;
        using var handler = FakeGrpcHandler.Returning(() => fail ? FakeGrpcHandler.TrailersOnly(14, "down") : FakeGrpcHandler.Response(ClientTestHelpers.ReplyFrame("sync")));
        var (channel, client) = ClientTestHelpers.Create(handler);
        using var _ = channel;

        Assert.Equal("sync", client.Echo(new EchoRequest()).Payload.ToStringUtf8());
        fail = true;
        var ex = Assert.Throws<RpcException>(() => client.Echo(new EchoRequest()));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
