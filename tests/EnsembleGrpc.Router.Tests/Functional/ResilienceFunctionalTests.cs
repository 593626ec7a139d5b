using System.Collections.Concurrent;
using System.Diagnostics;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using Grpc.Core;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Functional;

[Collection(RouterClusterCollection.Name)]
public sealed class ResilienceFunctionalTests(RouterCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_a_worker_mid_stream_degrades_to_flagged_fallback_opens_its_breaker_and_recovers_after_restart()
    {
        var results = new ConcurrentQueue<(bool Fallback, string Strategy, long Answered, string Reason)>();
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        // Released after every answer: the waits below re-check their condition as the stream progresses.
        using var progress = new SemaphoreSlim(0);
        var input = cluster.TestSet.ToModelInput(0, 4);
        // A client streaming requests back to back while the worker dies and comes back.
        var stream = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist_kill", input, 4));
                    results.Enqueue((InferenceCalls.Fallback(response), InferenceCalls.Str(response, "ensemble_strategy"), InferenceCalls.Answered(response), InferenceCalls.Str(response, "fallback_reason")));
                }
                catch (RpcException ex)
                {
                    errors.Enqueue(ex.Status.ToString());
                }

                progress.Release();
            }
        });

        try
        {
            await Until(progress, () => Task.FromResult(results.Count >= 5), "five answers before the kill");
            Assert.All(results, r => Assert.Equal(("stacking", false), (r.Strategy, r.Fallback)));

            await cluster.Kill.KillAsync();
            await Until(progress, async () => await BreakerState() == "open", "the killed worker's breaker to open");
            // The dead worker is then answered for at once, without a call: by its open breaker, or, as outlier ejection
            // sits in front of the breaker and takes it out after three failures, by its ejection. The stream keeps
            // getting flagged answers.
            await Until(progress, () => Task.FromResult(results.Any(r => r.Reason.Contains("breaker_open", StringComparison.Ordinal) || r.Reason.Contains("ejected", StringComparison.Ordinal))), "an answer refused without a call");

            await cluster.Kill.RestartAsync();
            int afterRestart = results.Count;
            // The breaker lets a probe through after its break (500 ms); then stacking is back for good.
            await Until(progress, () => Task.FromResult(results.Skip(afterRestart).Reverse().Take(5).Count(r => !r.Fallback) == 5 && results.Count - afterRestart >= 5), "five stacking answers after the restart");
        }
        finally
        {
            await stop.CancelAsync();
            await stream;
        }

        Assert.Empty(errors);
        var all = results.ToArray();
        var fallbacks = all.Where(r => r.Fallback).ToArray();
        output.WriteLine($"{all.Length} answers, {fallbacks.Length} fallbacks, 0 errors");
        Assert.NotEmpty(fallbacks);
        Assert.All(fallbacks, r =>
        {
            Assert.Equal("bagging", r.Strategy);
            Assert.Equal(2, r.Answered);
            Assert.Contains("mnist_cnn_2", r.Reason, StringComparison.Ordinal);
        });
        Assert.Contains(fallbacks, r => r.Reason.Contains("breaker_open", StringComparison.Ordinal) || r.Reason.Contains("ejected", StringComparison.Ordinal));
        Assert.All(all.Where(r => !r.Fallback), r => Assert.Equal(("stacking", 3L), (r.Strategy, r.Answered)));

        var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist_kill" });
        var arm = stats.Ensembles[0].Arms.Single();
        Assert.Equal((ulong)fallbacks.Length, arm.Fallbacks);
        Assert.Equal(0UL, arm.Errors);
        Assert.True(stats.Ensembles[0].Members.Single(m => m.Name == "mnist_cnn_2").Failures > 0);
    }

    [Fact]
    public async Task A_worker_slower_than_the_timeout_is_answered_within_the_timeout_plus_a_margin_and_flagged()
    {
        var input = cluster.TestSet.ToModelInput(0, 2);
        for (int i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var response = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist_slow", input, 2));
            watch.Stop();

            output.WriteLine($"answered in {watch.ElapsedMilliseconds} ms: {InferenceCalls.Str(response, "fallback_reason")}");
            Assert.InRange(watch.ElapsedMilliseconds, 0, RouterCluster.SlowTimeoutMs + 700);
            Assert.True(InferenceCalls.Fallback(response));
            Assert.Equal("bagging", InferenceCalls.Str(response, "ensemble_strategy"));
            Assert.Equal(2, InferenceCalls.Answered(response));
            Assert.Equal("slow_cnn_2: member_timeout", InferenceCalls.Str(response, "fallback_reason"));
        }
    }

    [Fact]
    public async Task Stacking_with_a_member_down_answers_with_bagging_over_the_rest()
    {
        var set = cluster.TestSet;
        var input = set.ToModelInput(0, 20);

        var response = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist_stack_down", input, 20));

        Assert.True(InferenceCalls.Fallback(response));
        Assert.Equal("bagging", InferenceCalls.Str(response, "ensemble_strategy"));
        Assert.Equal(2, InferenceCalls.Answered(response));
        Assert.Equal("mnist_cnn_2: member_error", InferenceCalls.Str(response, "fallback_reason"));
        // Exactly bagging over the two members that answered.
        var outputs = new Dictionary<string, float[]>();
        foreach (var member in new[] { "mnist_cnn_1", "mnist_cnn_3" })
        {
            outputs[member] = InferenceCalls.Probabilities(await cluster.Members[member].ModelInferAsync(InferenceCalls.Fp32(member, input, 20)));
        }

        Assert.Equal(OfflineEnsemble.Predict("bagging", ["mnist_cnn_1", "mnist_cnn_3"], outputs, 20), InferenceCalls.Predictions(response));
    }

    [Fact]
    public async Task No_member_up_is_unavailable_with_a_message_naming_each_member()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist_down", cluster.TestSet.ToModelInput(0, 1), 1)));

        output.WriteLine(ex.Status.Detail);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("0 of 2 members answered, quorum is 1", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("mnist_cnn_1: member_error", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("mnist_cnn_2: member_error", ex.Status.Detail, StringComparison.Ordinal);
        // Clients never see the workers' addresses or the transport's words; the router's log has them.
        Assert.DoesNotContain("127.0.0.1", ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Unavailable:", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_requests_get_precise_statuses_never_unknown()
    {
        var notFound = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("nope", cluster.TestSet.ToModelInput(0, 1), 1)));
        var badShape = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelInferAsync(InferenceCalls.Uint8("mnist", new byte[28 * 28 * 2], [1, 28, 28, 2])));
        var badStrategy = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist", cluster.TestSet.ToModelInput(0, 1), 1, strategy: "magic")));

        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Contains("models: mnist", notFound.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badShape.StatusCode);
        Assert.Contains("2 channels are not accepted", badShape.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badStrategy.StatusCode);
        Assert.Contains("unknown ensemble_strategy 'magic'", badStrategy.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<string> BreakerState()
    {
        var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist_kill" });
        return stats.Ensembles[0].Members.Single(m => m.Name == "mnist_cnn_2").Endpoints[0].BreakerState;
    }

    /// <summary>Re-checks a condition each time the stream answers, until it holds; fails after a generous bound.</summary>
    private static async Task Until(SemaphoreSlim progress, Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            var left = Patience - watch.Elapsed;
            if (left <= TimeSpan.Zero || !await progress.WaitAsync(left))
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}");
            }
        }
    }
}
