using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Tests.Fakes;

namespace EnsembleGrpc.LoadGen.Tests.Load;

public sealed class ClosedLoopTests
{
    [Fact]
    public void Keeps_exactly_concurrency_requests_in_flight()
    {
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(clock, _ => TimeSpan.FromMilliseconds(4));
        var manager = new ConcurrencyLoadManager(new RequestExecutor(backend, TestRequests.Factory(), clock), 8);
        var buffer = new RecordBuffer();
        using var stop = new CancellationTokenSource();
        _ = clock.CancelAt(TimeSpan.FromMilliseconds(400), stop);
        var run = manager.RunAsync(buffer, stop.Token, CancellationToken.None);
        clock.RunUntil(run);

        var records = buffer.Swap();
        Assert.Equal(8 * 100, records.Count); // 8 workers × 400 ms / 4 ms
        Assert.All(records, r => Assert.Equal(r.Intended, r.Sent));
        Assert.All(records, r => Assert.Equal(VirtualClock.Ms(4), r.Latency));
    }

    [Fact]
    public void Failures_are_recorded_with_their_status_and_routing_keys_follow_the_pattern()
    {
        var clock = new VirtualClock();
        var keys = new List<string>();
        var backend = new ScriptedBackend(
            clock,
            _ => TimeSpan.FromMilliseconds(1),
            call =>
            {
                keys.Add(call.Request.Parameters.Single(p => p.Key == "routing_key").Value);
                return call.Index % 4 == 3 ? InferOutcome.Failed(global::Grpc.Core.StatusCode.Unavailable, "down") : InferOutcome.Ok(call.Request.Labels);
            });
        var parameters = new Inputs.RequestParameters { RoutingKeyPattern = "user-{i}", RoutingKeyCount = 3, Strategy = "vote" };
        var manager = new ConcurrencyLoadManager(new RequestExecutor(backend, TestRequests.Factory(parameters), clock), 1);
        var buffer = new RecordBuffer();
        using var stop = new CancellationTokenSource();
        _ = clock.CancelAt(TimeSpan.FromMilliseconds(8), stop);
        var run = manager.RunAsync(buffer, stop.Token, CancellationToken.None);
        clock.RunUntil(run);

        var records = buffer.Swap();
        Assert.Equal(8, records.Count);
        Assert.Equal(2, records.Count(r => r.Status == global::Grpc.Core.StatusCode.Unavailable));
        Assert.Equal(["user-0", "user-1", "user-2", "user-0", "user-1", "user-2", "user-0", "user-1"], keys);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_client_obeying_pushback_waits_the_servers_retry_pushback_after_a_refusal(bool obey)
    {
        var clock = new VirtualClock();
        var backend = new ScriptedBackend(
            clock,
            _ => TimeSpan.FromMilliseconds(1),
            call => call.Index == 0
                ? InferOutcome.Failed(global::Grpc.Core.StatusCode.ResourceExhausted, "overloaded") with { RetryAfter = TimeSpan.FromMilliseconds(30) }
                : InferOutcome.Ok(call.Request.Labels));
        var manager = new ConcurrencyLoadManager(new RequestExecutor(backend, TestRequests.Factory(), clock), 1, obeyPushback: obey);
        var buffer = new RecordBuffer();
        using var stop = new CancellationTokenSource();
        _ = clock.CancelAt(TimeSpan.FromMilliseconds(40), stop);
        var run = manager.RunAsync(buffer, stop.Token, CancellationToken.None);
        clock.RunUntil(run);

        var records = buffer.Swap();
        Assert.Equal(TimeSpan.FromMilliseconds(30), records[0].RetryAfter);
        Assert.Equal(global::Grpc.Core.StatusCode.ResourceExhausted, records[0].Status);
        // The second request leaves when the first ended (1 ms), or 30 ms later when the client obeys.
        Assert.Equal(VirtualClock.Ms(obey ? 31 : 1), records[1].Sent - records[0].Sent);
        // Sent at 0 ms, then every 1 ms from 1 ms (at once) or 31 ms (obeying) until the 40 ms the step lasts.
        Assert.Equal(obey ? 10 : 40, records.Count);
    }
}
