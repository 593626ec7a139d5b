using EnsembleGrpc.Grpc.Client;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Tests.Functional;

/// <summary>Server behaviour seen through our own client: robustness of the connection under deadlines and failures.</summary>
public sealed class ServerBehaviourTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Connection_stays_healthy_after_a_deadline_abandons_a_handler()
    {
        var clock = new ManualTimeProvider();
        await using var server = await TestServer.StartAsync(services => services.AddSingleton<TimeProvider>(clock));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        using var late = client.EchoAsync(new EchoRequest { DelayMs = 60_000, IgnoreCancellation = true }, deadline: DateTime.UtcNow.AddMinutes(1));
        await server.Probe.HandlerStarted.Task.WaitAsync(Guard);
        clock.Advance(TimeSpan.FromMinutes(2));
        var ex = await Assert.ThrowsAsync<RpcException>(() => late.ResponseAsync.WaitAsync(Guard));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);

        // The handler finishes after its call was answered; its reply is dropped and the connection carries on.
        server.Probe.ReleaseHandlers();
        await server.Probe.HandlerFinished.Task.WaitAsync(Guard);
        await server.Logs.WaitForAsync(e => e.EventId.Name == "LateResultDiscarded").WaitAsync(Guard);
        var reply = await client.EchoAsync(new EchoRequest { Payload = ByteString.CopyFromUtf8("after") }).ResponseAsync.WaitAsync(Guard);
        Assert.Equal("after", reply.Payload.ToStringUtf8());
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Mixed_outcomes_on_one_connection_each_get_their_own_status()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        var calls = Enumerable.Range(0, 60).Select(async i =>
        {
            var request = (i % 4) switch
            {
                0 => new EchoRequest { Payload = ByteString.CopyFrom(TestServiceImpl.Pattern(i * 100)) },
                1 => new EchoRequest { FailCode = (int)StatusCode.NotFound, FailMessage = "missing " + i },
                2 => new EchoRequest { ThrowException = true },
                _ => new EchoRequest { DelayMs = 60_000 },
            };
            var deadline = i % 4 == 3 ? DateTime.UtcNow.AddMilliseconds(300) : (DateTime?)null;
            try
            {
                var reply = await client.EchoAsync(request, deadline: deadline).ResponseAsync;
                Assert.Equal(TestServiceImpl.Pattern(i * 100), reply.Payload.ToByteArray());
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                if (ex.StatusCode == StatusCode.NotFound)
                {
                    Assert.Equal("missing " + i, ex.Status.Detail);
                }

                return ex.StatusCode;
            }
        }).ToList();

        var outcomes = await Task.WhenAll(calls).WaitAsync(Guard);

        for (var i = 0; i < outcomes.Length; i++)
        {
            var expected = (i % 4) switch
            {
                0 => StatusCode.OK,
                1 => StatusCode.NotFound,
                2 => StatusCode.Unknown,
                _ => StatusCode.DeadlineExceeded,
            };
            Assert.Equal(expected, outcomes[i]);
        }
    }

    [Fact]
    public async Task Deadline_mid_stream_delivers_the_messages_sent_then_deadline_exceeded()
    {
        await using var server = await TestServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new TestService.TestServiceClient(channel);

        // The connection is up before the deadline starts counting, and the handler sends three messages at once and
        // then waits on its token: the deadline, not the machine's speed, decides what arrives.
        await client.EchoAsync(new EchoRequest()).ResponseAsync.WaitAsync(Guard);
        using var call = client.Stream(new StreamRequest { Count = 1000, Immediate = 3, DelayMs = 60_000 }, deadline: DateTime.UtcNow.AddSeconds(2));
        var received = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                Assert.Equal(received++, reply.Index);
            }
        }).WaitAsync(Guard);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(3, received);
        await server.Probe.HandlerCancelled.Task.WaitAsync(Guard);
    }
}
