using System.Net;
using EnsembleGrpc.Grpc.Server;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Grpc.Tests.Server;

public sealed class ServerRoutingTests
{
    [Fact]
    public async Task Non_grpc_content_type_is_415_with_internal_status()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);
        var request = client.CreateRequest(TestPaths.Echo, new ByteArrayContent(RawGrpcClient.Frame(new EchoRequest())), "application/json");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Equal("13", response.Header("grpc-status"));
        Assert.Equal("Content-Type 'application/json' is not supported.", response.Header("grpc-message"));
        Assert.False(server.Probe.HandlerStarted.Task.IsCompleted);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task Grpc_content_type_variants_are_accepted(string contentType)
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.SendAsync(client.CreateRequest(TestPaths.Echo, new ByteArrayContent(RawGrpcClient.Frame(new EchoRequest())), contentType));

        Assert.Equal(StatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_method_of_a_known_service_is_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync("/grpc.testing.ensemble.TestService/Nope", RawGrpcClient.Frame([]));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.Unimplemented, response.StatusCode);
        Assert.Equal("Method is unimplemented.", response.RawMessage);
    }

    [Fact]
    public async Task Unknown_service_is_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync("/other.Service/Method", RawGrpcClient.Frame([]));

        Assert.Equal(StatusCode.Unimplemented, response.StatusCode);
        Assert.Equal("Service is unimplemented.", response.RawMessage);
    }

    [Fact]
    public async Task Non_grpc_requests_keep_the_hosts_404()
    {
        await using var server = await TestServer.StartAsync(configureEndpoints: e => e.MapGet("/healthz", () => "ok"));
        using var client = new RawGrpcClient(server.Address);

        var get = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, server.Address + "/nothing-here") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        var postJson = await client.SendAsync(client.CreateRequest("/nothing-here", new ByteArrayContent([]), "application/json"));
        var getMethod = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, server.Address + TestPaths.Echo) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        var health = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, server.Address + "/healthz") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal(HttpStatusCode.NotFound, get.HttpStatus);
        Assert.Null(get.Header("grpc-status"));
        Assert.Equal(HttpStatusCode.NotFound, postJson.HttpStatus);
        // The method endpoint accepts POST only, and the UNIMPLEMENTED catch-all only gRPC requests: a plain 404.
        Assert.Equal(HttpStatusCode.NotFound, getMethod.HttpStatus);
        Assert.Null(getMethod.Header("grpc-status"));
        Assert.Equal(HttpStatusCode.OK, health.HttpStatus);
    }

    [Fact]
    public async Task Ignore_unknown_services_leaves_unknown_paths_to_the_host()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.IgnoreUnknownServices = true);
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync("/other.Service/Method", RawGrpcClient.Frame([]));

        Assert.Equal(HttpStatusCode.NotFound, response.HttpStatus);
        Assert.Null(response.StatusCode);
    }

    [Fact]
    public async Task Http11_request_is_426_with_internal_status()
    {
        await using var server = await TestServer.StartAsync(protocols: HttpProtocols.Http1);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        var content = new ByteArrayContent(RawGrpcClient.Frame(new EchoRequest()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Post, server.Address + TestPaths.Echo) { Version = HttpVersion.Version11, Content = content }, default);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Equal("Request protocol 'HTTP/1.1' is not supported.", Assert.Single(response.Headers.GetValues("grpc-message")));
    }

    [Fact]
    public async Task Invalid_options_fail_startup_with_every_error()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(configureGrpc: o =>
        {
            o.MaxReceiveMessageSize = 0;
            o.MaxSendMessageSize = -1;
            o.ResponseCompressionAlgorithm = "brotli";
        }));

        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains(nameof(GrpcServerOptions.MaxReceiveMessageSize), StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(GrpcServerOptions.MaxSendMessageSize), StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("brotli", StringComparison.Ordinal));
    }

    [Fact]
    public void Mapping_without_AddGrpcServer_explains_what_is_missing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<TestServiceImpl>());

        Assert.Contains("AddGrpcServer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mapping_returns_a_builder_that_reaches_every_method_endpoint()
    {
        var tagged = new List<string>();
        await using var server = await TestServer.StartAsync(
            mapTestService: false,
            configureEndpoints: e => e.MapGrpcService<TestServiceImpl>().Add(b => tagged.Add(b.DisplayName!)));

        // Conventions run when the endpoints are built (lazily, on first use).
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        Assert.Contains(endpoints, e => e.DisplayName == "gRPC - Unimplemented");
        Assert.Equal(["gRPC - /grpc.testing.ensemble.TestService/Echo", "gRPC - /grpc.testing.ensemble.TestService/Stream"], tagged.Order());
    }
}
