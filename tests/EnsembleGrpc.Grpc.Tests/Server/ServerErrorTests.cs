using EnsembleGrpc.Grpc.Internal;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerErrorTests
{
    [Fact]
    public async Task RpcException_before_any_message_is_a_trailers_only_response_with_percent_encoded_message()
    {
        const string detail = "modèle « résnet » 100% introuvable ✓\nline two";
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { FailCode = (int)StatusCode.NotFound, FailMessage = detail }));

        Assert.True(response.IsTrailersOnly);
        Assert.Empty(response.Body);
        Assert.Equal("5", response.Header("grpc-status"));
        Assert.Equal(PercentEncoding.Encode(detail), response.Header("grpc-message"));
        Assert.Equal(detail, PercentEncoding.Decode(response.Header("grpc-message")!));
        Assert.Equal("application/grpc", response.ContentType);
    }

    [Fact]
    public async Task RpcException_after_headers_were_sent_goes_in_the_trailers()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(
            TestPaths.Echo,
            RawGrpcClient.Frame(new EchoRequest { EchoMetadata = true, FailCode = (int)StatusCode.FailedPrecondition, FailMessage = "not now" }),
            r => r.Headers.Add("x-trace", "abc"));

        Assert.False(response.IsTrailersOnly);
        Assert.Equal("abc", response.Header("x-trace"));
        Assert.Equal("9", response.Trailer("grpc-status"));
        Assert.Equal("not now", response.Trailer("grpc-message"));
        Assert.Equal("abc", response.Trailer("x-trace-trailer"));
    }

    [Fact]
    public async Task Plain_exception_is_unknown_without_details_and_logged_as_an_error()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { ThrowException = true, FailMessage = "secret internals" }));

        Assert.Equal(StatusCode.Unknown, response.StatusCode);
        Assert.Equal("Exception was thrown by handler.", response.RawMessage);
        var log = Assert.Single(server.Logs.Entries, e => e.EventId.Name == "HandlerException");
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.IsType<InvalidOperationException>(log.Exception);
    }

    [Fact]
    public async Task Detailed_errors_append_the_exception_type_and_message()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.EnableDetailedErrors = true);
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { ThrowException = true, FailMessage = "boom" }));

        Assert.Equal(StatusCode.Unknown, response.StatusCode);
        Assert.Equal("Exception was thrown by handler. InvalidOperationException: Handler failure: boom", PercentEncoding.Decode(response.RawMessage!));
    }
}
