using System.Diagnostics;
using EnsembleGrpc.Grpc.Client;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Functional;

/// <summary>Our client against our server over real sockets (Kestrel h2c on 127.0.0.1, port 0).</summary>
public sealed class ClientServerTests
{
    // 4 MiB of payload plus room for the protobuf field tag and length.
    private const int FourMiB = 4 * 1024 * 1024;
    private const int Limit = FourMiB + 1024;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Unary_call_succeeds()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        using var call = client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("hello") });
        var reply = await call;

        Assert.Equal("hello", reply.Payload.ToStringUtf8());
        Assert.Equal(-1, reply.DeadlineRemainingMs);
        Assert.Equal(Status.DefaultSuccess, call.GetStatus());
        Assert.Equal("hello", client.Echo(new EchoRequest { Payload = ByteString.CopyFromUtf8("hello") }).Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Every_error_status_arrives_with_its_non_ascii_message()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        for (var code = StatusCode.Cancelled; code <= StatusCode.Unauthenticated; code++)
        {
            var message = $"échec {code} ✓ 100% \"quoted\"\nline two";
            var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { FailCode = (int)code, FailMessage = message }).ResponseAsync);
            Assert.Equal(code, ex.StatusCode);
            Assert.Equal(message, ex.Status.Detail);
        }
    }

    [Fact]
    public async Task A_handler_exception_is_unknown_without_internals()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { ThrowException = true, FailMessage = "secret" }).ResponseAsync);
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deadline_holds_even_when_the_handler_ignores_cancellation()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(
            new EchoRequest { DelayMs = 60_000, IgnoreCancellation = true }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task The_server_sees_the_deadline()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        var reply = await client.EchoAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.InRange(reply.DeadlineRemainingMs, 1, 30_000);
    }

    [Fact]
    public async Task Cancellation_ends_the_call_and_reaches_the_handler()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);
        using var cts = new CancellationTokenSource();

        using var call = client.EchoAsync(new EchoRequest { DelayMs = 60_000 }, cancellationToken: cts.Token);
        await server.Probe.HandlerStarted.Task.WaitAsync(Guard);
        cts.Cancel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Guard));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await server.Probe.HandlerCancelled.Task.WaitAsync(Guard); // the stream reset reached the server
    }

    [Fact]
    public async Task Metadata_round_trips_through_headers_and_trailers()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);
        var bytes = new byte[] { 0, 1, 2, 250, 255 };

        using var call = client.EchoAsync(new EchoRequest { EchoMetadata = true }, new Metadata { { "x-text", "plain value" }, { "x-data-bin", bytes } });
        var reply = await call;

        Assert.Contains("x-text=plain value", reply.SeenHeaders);
        Assert.Contains("x-data-bin=" + Convert.ToBase64String(bytes), reply.SeenHeaders);
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("plain value", headers.GetValue("x-text"));
        Assert.Equal(bytes, headers.GetValueBytes("x-data-bin"));
        var trailers = call.GetTrailers();
        Assert.Equal("plain value", trailers.GetValue("x-text-trailer"));
        Assert.Equal(bytes, trailers.GetValueBytes("x-data-trailer-bin"));
    }

    [Fact]
    public async Task Four_MiB_messages_go_both_ways_within_the_limits()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.MaxReceiveMessageSize = Limit);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = Limit });
        var client = new TestService.TestServiceClient(channel);
        var payload = TestServiceImpl.Pattern(FourMiB);

        var echoed = await client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(payload) });
        Assert.True(echoed.Payload.Span.SequenceEqual(payload));

        var large = await client.EchoAsync(new EchoRequest { ReplySize = FourMiB });
        Assert.Equal(FourMiB, large.Payload.Length);
    }

    [Fact]
    public async Task Messages_over_the_limits_are_resource_exhausted()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.MaxReceiveMessageSize = 64 * 1024);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 });
        var client = new TestService.TestServiceClient(channel);

        var response = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { ReplySize = 100_000 }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, response.StatusCode);
        Assert.StartsWith("Received message larger than max", response.Status.Detail, StringComparison.Ordinal);

        var request = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[100_000]) }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, request.StatusCode);

        // The channel is still fine afterwards.
        Assert.Equal("ok", (await client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("ok") })).Payload.ToStringUtf8());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Two_hundred_concurrent_calls_on_one_channel(int connections)
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { Connections = connections });
        var client = new TestService.TestServiceClient(channel);

        var calls = new Task<EchoReply>[200];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("call " + i), DelayMs = 20 }).ResponseAsync;
        }

        var replies = await Task.WhenAll(calls);
        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal("call " + i, replies[i].Payload.ToStringUtf8());
        }
    }

    [Fact]
    public async Task Server_streaming_delivers_every_message_then_OK()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        using var call = client.Stream(new StreamRequest { Count = 50, PayloadSize = 3000 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(3000, reply.Payload.Length);
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 50), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Server_streaming_error_comes_after_the_messages_sent_before_it()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        using var call = client.Stream(new StreamRequest { Count = 10, FailAfter = 3, FailCode = (int)StatusCode.DataLoss, FailMessage = "perdu ✗" });
        var received = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                Assert.Equal(received++, call.ResponseStream.Current.Index);
            }
        });

        Assert.Equal(3, received);
        Assert.Equal(StatusCode.DataLoss, ex.StatusCode);
        Assert.Equal("perdu ✗", ex.Status.Detail);
    }

    [Fact]
    public async Task A_gzip_compressing_client_is_understood()
    {
        await using var server = await TestServer.StartAsync(configureGrpc: o => o.ResponseCompressionAlgorithm = "gzip");
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RequestCompression = "gzip" });
        var client = new TestService.TestServiceClient(channel);
        var payload = TestServiceImpl.Pattern(100_000);

        var reply = await client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFrom(payload) });
        Assert.True(reply.Payload.Span.SequenceEqual(payload));

        using var stream = client.Stream(new StreamRequest { Count = 3, PayloadSize = 10_000 });
        var count = 0;
        await foreach (var message in stream.ResponseStream.ReadAllAsync())
        {
            Assert.True(message.Payload.Span.SequenceEqual(TestServiceImpl.Pattern(10_000)));
            count++;
        }

        Assert.Equal(3, count);
    }

    [Fact]
    public async Task Unknown_methods_and_services_are_unimplemented()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var invoker = channel.CreateCallInvoker();
        var marshallerIn = Marshallers.Create((EchoRequest m) => m.ToByteArray(), EchoRequest.Parser.ParseFrom);
        var marshallerOut = Marshallers.Create((EchoReply m) => m.ToByteArray(), EchoReply.Parser.ParseFrom);

        foreach (var (service, name) in new[] { ("grpc.testing.ensemble.TestService", "Nope"), ("no.such.Service", "Echo") })
        {
            var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, service, name, marshallerIn, marshallerOut);
            var ex = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(method, null, default, new EchoRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        }
    }

    [Fact]
    public async Task Nothing_listening_is_unavailable()
    {
        int port;
        await using (var server = await TestServer.StartAsync())
        {
            port = server.Port;
        }

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var ex = await Assert.ThrowsAsync<RpcException>(() => new TestService.TestServiceClient(channel).EchoAsync(new EchoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task Disposing_a_streaming_call_mid_stream_resets_it_on_the_server()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        var call = client.Stream(new StreamRequest { Count = 1000, DelayMs = 50 });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        call.Dispose();

        await server.Probe.HandlerCancelled.Task.WaitAsync(Guard);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }
}
