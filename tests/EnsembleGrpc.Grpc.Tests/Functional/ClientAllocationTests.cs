using System.Net;
using EnsembleGrpc.Grpc.Client;
using EnsembleGrpc.Grpc.Tests.Client;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EnsembleGrpc.Grpc.Tests.Functional;

/// <summary>
/// Bytes allocated per sequential unary call, printed for the record and held under loose ceilings that catch a
/// regression (a per-call copy of a buffer, a LINQ pipeline) without being flaky. The counter is process-wide, so
/// these run alone, after the parallel tests.
/// </summary>
[Collection(nameof(ClientAllocationTests))]
public sealed class ClientAllocationTests(ITestOutputHelper output)
{
    private const int Calls = 10_000;

    [Fact]
    public async Task Client_and_server_in_process_over_real_sockets()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);
        var request = new EchoRequest { Payload = ByteString.CopyFromUtf8("0123456789abcdef") };

        for (var i = 0; i < 2000; i++)
        {
            await client.EchoAsync(request);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await client.EchoAsync(request);
        }

        var perCall = (GC.GetTotalAllocatedBytes(precise: true) - before) / Calls;

        // The same calls made by hand with a bare HttpMessageInvoker: the difference is what our client adds on
        // top of SocketsHttpHandler (the server's share is the same in both).
        using var raw = new RawGrpcClient(server.Address);
        var body = RawGrpcClient.Frame(request);
        for (var i = 0; i < 2000; i++)
        {
            await raw.CallAsync("/grpc.testing.ensemble.TestService/Echo", body);
        }

        before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await raw.CallAsync("/grpc.testing.ensemble.TestService/Echo", body);
        }

        var rawPerCall = (GC.GetTotalAllocatedBytes(precise: true) - before) / Calls;
        output.WriteLine($"client + server (Kestrel, SocketsHttpHandler), in process: {perCall} bytes/call; bare HttpMessageInvoker calls instead of our client: {rawPerCall} bytes/call");
        Assert.InRange(perCall, 1, 32 * 1024);
    }

    [Fact]
    public async Task Client_alone_against_a_fake_handler()
    {
        var body = FakeGrpcHandler.Frame(new EchoReply { Payload = ByteString.CopyFromUtf8("0123456789abcdef") });
        using var handler = new MinimalHandler(body);
        using var channel = GrpcChannel.ForAddress("http://fake.test", new GrpcChannelOptions { HttpMessageHandler = handler });
        var client = new TestService.TestServiceClient(channel);
        var request = new EchoRequest { Payload = ByteString.CopyFromUtf8("0123456789abcdef") };

        for (var i = 0; i < 2000; i++)
        {
            await client.EchoAsync(request);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await client.EchoAsync(request);
        }

        var total = (GC.GetTotalAllocatedBytes(precise: true) - before) / Calls;

        // What the fake itself allocates per call (its response message), to subtract.
        before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            using var response = handler.CreateResponse();
        }

        var fake = (GC.GetTotalAllocatedBytes(precise: true) - before) / Calls;
        output.WriteLine($"client alone (fake handler): {total - fake} bytes/call ({total} including the fake's {fake})");
        Assert.InRange(total - fake, 1, 8 * 1024);
    }

    /// <summary>Answers every call with the same body and OK trailers, allocating as little as it can.</summary>
    private sealed class MinimalHandler(byte[] body) : HttpMessageHandler
    {
        public HttpResponseMessage CreateResponse()
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(body) };
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
            response.TrailingHeaders.TryAddWithoutValidation("grpc-status", "0");
            return response;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(CreateResponse());
    }
}
