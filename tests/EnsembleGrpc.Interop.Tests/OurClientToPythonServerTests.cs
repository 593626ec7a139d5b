using System.Diagnostics;
using Grpc.Net.Client;
using EnsembleGrpc.Interop.Tests.Protos;
using EnsembleGrpc.Interop.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Interop.Tests;

/// <summary>
/// Our client (Grpc.Net.Client's GrpcChannel + the generated typed client) against python grpcio's server
/// (C-core): tests/interop/interop_server.py implements the TestService semantics.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class OurClientToPythonServerTests(PythonServerFixture python) : IClassFixture<PythonServerFixture>
{
    private TestService.TestServiceClient Client => python.Client;

    [Fact]
    public async Task Success()
    {
        var payload = ByteString.CopyFrom(InteropData.Pattern(1000));
        var reply = await Client.EchoAsync(new EchoRequest { Payload = payload }, deadline: InteropData.LongDeadline);
        Assert.Equal(payload, reply.Payload);
    }

    [Fact]
    public async Task ErrorWithNonAsciiMessage_ArrivesWithExactCodeAndMessage()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EchoAsync(
            new EchoRequest { FailCode = (int)StatusCode.InvalidArgument, FailMessage = InteropData.NonAsciiMessage },
            deadline: InteropData.LongDeadline).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(InteropData.NonAsciiMessage, ex.Status.Detail);
    }

    [Fact]
    public async Task HandlerException_IsUnknown()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EchoAsync(
            new EchoRequest { ThrowException = true }, deadline: InteropData.LongDeadline).ResponseAsync);
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
    }

    [Fact]
    public async Task Deadline_AgainstHandlerIgnoringCancellation_IsDeadlineExceededPromptly()
    {
        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EchoAsync(
            new EchoRequest { DelayMs = 5000, IgnoreCancellation = true },
            deadline: DateTime.UtcNow.AddMilliseconds(200)).ResponseAsync);
        sw.Stop();
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task Deadline_IsPropagatedAsGrpcTimeout_AndTheServerObservesIt()
    {
        var reply = await Client.EchoAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(20));
        Assert.InRange(reply.DeadlineRemainingMs, 10_000, 20_000);

        var noDeadline = await Client.EchoAsync(new EchoRequest());
        Assert.Equal(-1, noDeadline.DeadlineRemainingMs);

        // A handler honouring cancellation sees its deadline pass (python reports it on stdout).
        var callId = "deadline-" + Guid.NewGuid().ToString("N");
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EchoAsync(
            new EchoRequest { DelayMs = 10_000 },
            headers: new Metadata { { "x-call-id", callId } },
            deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        var kind = await python.WaitForEndEventAsync(callId);
        Assert.Contains(kind, new[] { "deadline", "cancelled" });
    }

    [Fact]
    public async Task Cancellation_IsSeenByTheClientAndTheServerHandler()
    {
        var callId = "cancel-" + Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        var call = Client.EchoAsync(
            new EchoRequest { DelayMs = 20_000 },
            headers: new Metadata { { "x-call-id", callId } },
            deadline: InteropData.LongDeadline,
            cancellationToken: cts.Token);
        await python.WaitForCallEventAsync("started", callId); // the handler is running
        var sw = Stopwatch.StartNew();
        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.Elapsed}");
        Assert.Equal("cancelled", await python.WaitForEndEventAsync(callId));
    }

    [Fact]
    public async Task DisposingACall_CancelsItOnTheServer()
    {
        var callId = "dispose-" + Guid.NewGuid().ToString("N");
        var call = Client.EchoAsync(
            new EchoRequest { DelayMs = 20_000 },
            headers: new Metadata { { "x-call-id", callId } },
            deadline: InteropData.LongDeadline);
        await python.WaitForCallEventAsync("started", callId);
        call.Dispose();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal("cancelled", await python.WaitForEndEventAsync(callId));
    }

    [Fact]
    public async Task FourMiBMessage_BothWays()
    {
        var payload = ByteString.CopyFrom(InteropData.Pattern(PythonServerFixture.FourMiB));
        var reply = await Client.EchoAsync(new EchoRequest { Payload = payload }, deadline: InteropData.LongDeadline);
        Assert.True(reply.Payload.Equals(payload), "4 MiB payload came back different");

        var big = await Client.EchoAsync(new EchoRequest { ReplySize = PythonServerFixture.FourMiB }, deadline: InteropData.LongDeadline);
        Assert.Equal(PythonServerFixture.FourMiB, big.Payload.Length);
    }

    [Fact]
    public async Task RequestOverThePythonServersLimit_IsResourceExhausted()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EchoAsync(
            new EchoRequest { Payload = ByteString.CopyFrom(new byte[PythonServerFixture.MessageLimit + 1]) },
            deadline: InteropData.LongDeadline).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);

        // The connection is still good afterwards.
        var ok = await Client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("after") }, deadline: InteropData.LongDeadline);
        Assert.Equal("after", ok.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task ReplyOverOurClientsReceiveLimit_IsResourceExhausted()
    {
        using var channel = python.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1024 * 1024 });
        var client = new TestService.TestServiceClient(channel);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(
            new EchoRequest { ReplySize = 1024 * 1024 + 1 }, deadline: InteropData.LongDeadline).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);

        var ok = await client.EchoAsync(new EchoRequest { ReplySize = 1000 }, deadline: InteropData.LongDeadline);
        Assert.Equal(1000, ok.Payload.Length);
    }

    [Theory]
    [InlineData("grpc.testing.ensemble.TestService", "NoSuchMethod")]
    [InlineData("grpc.testing.ensemble.NoSuchService", "Echo")]
    public async Task UnknownMethod_IsUnimplemented(string service, string method)
    {
        var marshallerIn = Marshallers.Create<EchoRequest>(m => m.ToByteArray(), EchoRequest.Parser.ParseFrom);
        var marshallerOut = Marshallers.Create<EchoReply>(m => m.ToByteArray(), EchoReply.Parser.ParseFrom);
        var unknown = new Method<EchoRequest, EchoReply>(MethodType.Unary, service, method, marshallerIn, marshallerOut);
        var call = python.Channel.CreateCallInvoker().AsyncUnaryCall(unknown, null, new CallOptions(deadline: InteropData.LongDeadline), new EchoRequest());
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Metadata_RoundTrip_AsciiAndBinary_InHeadersAndTrailers()
    {
        var headers = new Metadata
        {
            { "x-ascii", "hello ascii" },
            { "x-binary-bin", InteropData.BinaryValue },
        };
        using var call = Client.EchoAsync(new EchoRequest { EchoMetadata = true }, headers: headers, deadline: InteropData.LongDeadline);
        var reply = await call.ResponseAsync;

        var b64 = Convert.ToBase64String(InteropData.BinaryValue);
        Assert.Contains("x-ascii=hello ascii", reply.SeenHeaders);
        Assert.Contains("x-binary-bin=" + b64, reply.SeenHeaders);

        var responseHeaders = await call.ResponseHeadersAsync;
        Assert.Equal("hello ascii", responseHeaders.GetValue("x-ascii"));
        Assert.Equal(InteropData.BinaryValue, responseHeaders.GetValueBytes("x-binary-bin"));

        var trailers = call.GetTrailers();
        Assert.Equal("hello ascii", trailers.GetValue("x-ascii-trailer"));
        Assert.Equal(InteropData.BinaryValue, trailers.GetValueBytes("x-binary-trailer-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Metadata_TrailersArriveWithAnError()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Client.EchoAsync(
            new EchoRequest { EchoMetadata = true, FailCode = (int)StatusCode.FailedPrecondition, FailMessage = "precondition" },
            headers: new Metadata { { "x-ascii", "on error" } },
            deadline: InteropData.LongDeadline).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("on error", ex.Trailers.GetValue("x-ascii-trailer"));
    }

    [Fact]
    public async Task ServerStreaming_AllMessagesThenOk()
    {
        using var call = Client.Stream(new StreamRequest { Count = 5, PayloadSize = 10 }, deadline: InteropData.LongDeadline);
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(10, reply.Payload.Length);
            indexes.Add(reply.Index);
        }

        Assert.Equal([0, 1, 2, 3, 4], indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_MidStreamError_AfterTheMessagesSentBeforeIt()
    {
        using var call = Client.Stream(
            new StreamRequest { Count = 10, PayloadSize = 10, FailAfter = 3, FailCode = (int)StatusCode.Aborted, FailMessage = InteropData.StreamErrorMessage },
            deadline: InteropData.LongDeadline);
        var indexes = new List<int>();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                indexes.Add(reply.Index);
            }
        });
        Assert.Equal([0, 1, 2], indexes);
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal(InteropData.StreamErrorMessage, ex.Status.Detail);
    }

    [Fact]
    public async Task ServerStreaming_CancelledByTheClient_StopsTheServerHandler()
    {
        var callId = "stream-cancel-" + Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        using var call = Client.Stream(
            new StreamRequest { Count = 100_000, PayloadSize = 8, DelayMs = 20 },
            headers: new Metadata { { "x-call-id", callId } },
            deadline: InteropData.LongDeadline,
            cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(0, call.ResponseStream.Current.Index);
        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal("cancelled", await python.WaitForEndEventAsync(callId));
    }

    [Fact]
    public async Task GzipCompressingClient()
    {
        // Grpc.Net.Client compresses a call's request when the call carries grpc-internal-encoding-request; the
        // handler records the grpc-encoding each request went out with, so the test knows gzip was on the wire.
        var encodings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var channel = python.CreateChannel(new GrpcChannelOptions
        {
            MaxReceiveMessageSize = PythonServerFixture.MessageLimit,
            HttpHandler = new EncodingRecorder(encodings) { InnerHandler = new SocketsHttpHandler() },
        });
        var client = new TestService.TestServiceClient(channel);
        var gzip = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        var compressible = ByteString.CopyFromUtf8(string.Concat(Enumerable.Repeat("compressible ", 8000)));
        var reply = await client.EchoAsync(new EchoRequest { Payload = compressible }, headers: gzip, deadline: InteropData.LongDeadline);
        Assert.Equal(compressible, reply.Payload);

        var big = ByteString.CopyFrom(InteropData.Pattern(PythonServerFixture.FourMiB));
        var bigReply = await client.EchoAsync(new EchoRequest { Payload = big }, headers: gzip, deadline: InteropData.LongDeadline);
        Assert.True(bigReply.Payload.Equals(big), "4 MiB gzip payload came back different");
        Assert.Equal(["gzip", "gzip"], encodings);
    }

    private sealed class EncodingRecorder(System.Collections.Concurrent.ConcurrentQueue<string> encodings) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            encodings.Enqueue(request.Headers.TryGetValues("grpc-encoding", out var values) ? string.Join(",", values) : "identity");
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task ManyConcurrentCalls_OnOneChannel()
    {
        var calls = Enumerable.Range(0, 100).Select(async i =>
        {
            var reply = await Client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("call " + i) }, deadline: InteropData.LongDeadline);
            return reply.Payload.ToStringUtf8() == "call " + i;
        }).ToList();
        var results = await Task.WhenAll(calls);
        Assert.All(results, Assert.True);
    }
}
