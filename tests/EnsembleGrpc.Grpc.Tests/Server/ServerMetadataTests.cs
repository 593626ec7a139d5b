using EnsembleGrpc.Grpc.Server.Internal;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerMetadataTests
{
    [Fact]
    public async Task Request_metadata_reaches_the_handler_and_binary_values_accept_unpadded_base64()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest()), r =>
        {
            r.Headers.Add("x-text", "hello");
            r.Headers.TryAddWithoutValidation("x-data-bin", "AQI"); // bytes 01 02, padding dropped
            r.Headers.TryAddWithoutValidation("x-padded-bin", "AQID");
        });

        var seen = response.Single(EchoReply.Parser).SeenHeaders;
        Assert.Contains("x-text=hello", seen);
        Assert.Contains("x-data-bin=AQI=", seen);
        Assert.Contains("x-padded-bin=AQID", seen);
    }

    [Fact]
    public async Task Response_headers_and_trailers_carry_handler_metadata()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest { EchoMetadata = true }), r =>
        {
            r.Headers.Add("x-text", "hello");
            r.Headers.TryAddWithoutValidation("x-data-bin", "AQI");
        });

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Equal("hello", response.Header("x-text"));
        Assert.Equal("AQI=", response.Header("x-data-bin"));
        Assert.Equal("hello", response.Trailer("x-text-trailer"));
        Assert.Equal("AQI=", response.Trailer("x-data-trailer-bin"));
        Assert.Equal("0", response.Trailer("grpc-status"));
    }

    [Fact]
    public void Reserved_and_invalid_headers_are_not_metadata()
    {
        var headers = new HeaderDictionary
        {
            ["content-type"] = "application/grpc",
            ["te"] = "trailers",
            ["grpc-timeout"] = "1S",
            ["grpc-encoding"] = "gzip",
            ["user-agent"] = "test",
            [":authority"] = "x",
            ["grpc-status-details-bin"] = "AQ",
            ["x-ok"] = "fine",
            ["x-bad-bin"] = "!!not base64!!",
            ["x-two-bin"] = "AQ,Ag==",
        };

        var metadata = MetadataHeaders.FromRequestHeaders(headers);

        Assert.Equal(["grpc-status-details-bin", "x-ok", "x-two-bin", "x-two-bin"], metadata.Select(e => e.Key));
        Assert.Equal([1], metadata.GetValueBytes("grpc-status-details-bin"));
        Assert.Equal([[1], [2]], metadata.GetAll("x-two-bin").Select(e => e.ValueBytes));
    }

    [Fact]
    public void Response_metadata_never_overrides_protocol_headers()
    {
        var target = new HeaderDictionary();
        var metadata = new Metadata { { "grpc-status", "0" }, { "content-type", "text/plain" }, { "x-a", "1" }, { "x-a", "2" }, { "x-b-bin", new byte[] { 1, 2, 3 } } };

        MetadataHeaders.AppendTo(target, metadata);

        Assert.Equal(["x-a", "x-b-bin"], target.Keys.Order());
        Assert.Equal(new[] { "1", "2" }, (string[])target["x-a"]!);
        Assert.Equal("AQID", target["x-b-bin"].ToString());
    }
}
