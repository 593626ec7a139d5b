using System.Diagnostics;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using Grpc.Core;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Functional;

[Collection(RouterClusterCollection.Name)]
public sealed class TrafficFunctionalTests(RouterCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task A_slow_failing_shadow_neither_changes_nor_slows_the_primary()
    {
        const int Requests = 20;
        var set = cluster.TestSet;
        var latencies = new List<double>();
        for (int i = 0; i < Requests; i++)
        {
            var input = set.ToModelInput(i * 5, 5);
            // The same request on an ensemble without shadow: the reference answer.
            var reference = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist", input, 5, strategy: "bagging"));
            var watch = Stopwatch.StartNew();
            var shadowed = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist_shadowed", input, 5));
            latencies.Add(watch.Elapsed.TotalMilliseconds);

            Assert.Equal(InferenceCalls.Predictions(reference), InferenceCalls.Predictions(shadowed));
            Assert.Equal(InferenceCalls.Probabilities(reference), InferenceCalls.Probabilities(shadowed));
            Assert.False(InferenceCalls.Fallback(shadowed));
            Assert.False(shadowed.Parameters.ContainsKey("arm"));
        }

        // Every shadow run waits on a member that hangs until the 60 s timeout: a primary that waited for its shadow
        // would take that long. None comes near it.
        latencies.Sort();
        output.WriteLine($"primary p50 {latencies[Requests / 2]:F1} ms, max {latencies[^1]:F1} ms");
        Assert.True(latencies[^1] < 30_000, $"primary max {latencies[^1]} ms");

        var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist_shadowed" });
        var shadow = stats.Ensembles[0].Shadow;
        output.WriteLine(shadow.ToString());
        Assert.Equal("candidate", shadow.Arm);
        Assert.Equal((ulong)Requests, shadow.Enqueued + shadow.Dropped);
        // One shadow run in flight (concurrency 1) and two queued (capacity 2) are all the shadow can hold while it hangs.
        Assert.True(shadow.Dropped >= Requests - 3, $"dropped {shadow.Dropped} of {Requests}");
        Assert.Equal((ulong)Requests, stats.Ensembles[0].Arms.Single(a => a.Name == "primary").Requests);
        Assert.Equal(0UL, stats.Ensembles[0].Arms.Single(a => a.Name == "candidate").Requests);

        // The shadow's calls have breakers and counts of their own: the failing member's refusals show on its shadow
        // lane, while its primary lane (never called: the member is only in the shadow arm) stays untouched.
        var failing = await ShadowLaneOfAsync("failing_cnn_3", e => e.Failures > 0);
        Assert.Equal(0UL, failing.Endpoints.Single().Failures);
        Assert.Equal(0UL, failing.Endpoints.Single().Successes);
        Assert.Contains("worker_error", failing.ShadowEndpoints.Single().FailuresByKind.Keys);
        var hanging = await ShadowLaneOfAsync("hanging_cnn_2", e => e.InFlight == 1);
        Assert.Equal(0UL, hanging.ShadowEndpoints.Single().Failures);
    }

    /// <summary>The member's statistics once its shadow lane shows <paramref name="condition"/> (bounded wait).</summary>
    private async Task<MemberStatistics> ShadowLaneOfAsync(string member, Func<EndpointStatistics, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist_shadowed" });
            var found = stats.Ensembles[0].Members.Single(m => m.Name == member);
            if (found.ShadowEndpoints.Count == 1 && condition(found.ShadowEndpoints[0]))
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{member}'s shadow lane never matched: {found}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_routing_key_always_lands_on_the_same_arm_which_is_revealed_when_configured()
    {
        var input = cluster.TestSet.ToModelInput(0, 1);
        foreach (var key in new[] { "user-1", "user-2", "user-3", "user-4" })
        {
            var arms = new HashSet<string>();
            for (int i = 0; i < 10; i++)
            {
                var response = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist", input, 1, routingKey: key));
                arms.Add(InferenceCalls.Str(response, "arm"));
            }

            // The same key as metadata instead of a parameter.
            var viaHeader = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist", input, 1), headers: new Metadata { { "x-routing-key", key } });
            arms.Add(InferenceCalls.Str(viaHeader, "arm"));
            Assert.Single(arms);
            output.WriteLine($"{key} → {arms.Single()}");
        }
    }

    [Fact]
    public async Task Admin_split_changes_need_the_bearer_token_and_feedback_gives_online_accuracy()
    {
        var split = new SetTrafficSplitRequest { Ensemble = "mnist" };
        split.Weights.Add(new Dictionary<string, int> { ["bagging"] = 50, ["stacking"] = 50, ["boosting"] = 0, ["vote"] = 0, ["best"] = 0 });

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Admin.SetTrafficSplitAsync(split));
        var wrong = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Admin.SetTrafficSplitAsync(split, InferenceCalls.Bearer("guess")));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);

        long before = (await cluster.Admin.GetConfigAsync(new GetConfigRequest())).Version;
        var changed = await cluster.Admin.SetTrafficSplitAsync(split, InferenceCalls.Bearer(RouterCluster.AdminToken));
        Assert.Equal(50, changed.Weights["stacking"]);
        var config = await cluster.Admin.GetConfigAsync(new GetConfigRequest());
        Assert.Equal(before + 1, config.Version);
        Assert.Equal("admin", config.Source);
        Assert.DoesNotContain(RouterCluster.AdminToken, config.ConfigJson, StringComparison.Ordinal);

        var bad = new SetTrafficSplitRequest { Ensemble = "mnist" };
        bad.Weights.Add("bagging", 0);
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Admin.SetTrafficSplitAsync(bad, InferenceCalls.Bearer(RouterCluster.AdminToken)));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);

        // Restore the 70/30 split for the other tests.
        split.Weights["bagging"] = 70;
        split.Weights["stacking"] = 30;
        await cluster.Admin.SetTrafficSplitAsync(split, InferenceCalls.Bearer(RouterCluster.AdminToken));

        var set = cluster.TestSet;
        var response = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist", set.ToModelInput(100, 10), 10, strategy: "vote", id: "feedback-1"));
        Assert.Equal("feedback-1", response.Id);
        var feedback = new SubmitFeedbackRequest { RequestId = "feedback-1" };
        feedback.Labels.AddRange(set.Labels.Skip(100).Take(10).Select(l => (int)l));
        var scored = await cluster.Admin.SubmitFeedbackAsync(feedback, InferenceCalls.Bearer(RouterCluster.AdminToken));
        Assert.Equal("vote", scored.Arm);
        Assert.Equal(10u, scored.Total);
        Assert.Equal((uint)InferenceCalls.Predictions(response).Zip(feedback.Labels).Count(p => p.First == p.Second), scored.Correct);

        var again = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Admin.SubmitFeedbackAsync(feedback, InferenceCalls.Bearer(RouterCluster.AdminToken)));
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
        var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist" });
        var vote = stats.Ensembles[0].Arms.Single(a => a.Name == "vote");
        Assert.Equal(10UL, vote.FeedbackRows);
        Assert.Equal(scored.ArmOnlineAccuracy, vote.OnlineAccuracy);
    }

    [Fact]
    public async Task Dark_on_light_and_off_size_images_are_classified_as_well_as_normal_ones()
    {
        const int N = 50;
        const int Rounds = 8;
        var set = cluster.TestSet;
        int normal = 0, inverted = 0, big = 0, rgb = 0;
        for (int r = 0; r < Rounds; r++)
        {
            int start = r * N;
            var labels = set.Labels.AsSpan(start, N).ToArray();
            var pixels = set.Images(start, N).ToArray();
            normal += Correct(await Ask(InferenceCalls.Fp32("mnist", set.ToModelInput(start, N), N, strategy: "bagging")), labels);
            inverted += Correct(await Ask(InferenceCalls.Uint8("mnist", pixels.Select(p => (byte)(255 - p)).ToArray(), [N, 28, 28], "bagging")), labels);
            big += Correct(await Ask(InferenceCalls.Uint8("mnist", Upscale(pixels, N, 2), [N, 56, 56], "bagging")), labels);
            // Black ink on white paper, in colour, at 42×42.
            var rgbPixels = Upscale(pixels.Select(p => (byte)(255 - p)).ToArray(), N, 1.5).SelectMany(p => new[] { p, p, p }).ToArray();
            rgb += Correct(await Ask(InferenceCalls.Uint8("mnist", rgbPixels, [N, 42, 42, 3], "bagging")), labels);
        }

        int total = N * Rounds;
        output.WriteLine($"normal {normal}/{total}, dark-on-light {inverted}/{total}, 56×56 {big}/{total}, RGB 42×42 dark-on-light {rgb}/{total}");
        Assert.Equal(normal, inverted);
        Assert.InRange(big, normal - total / 100, total);
        Assert.InRange(rgb, normal - total * 2 / 100, total);
    }

    private async Task<ModelInferResponse> Ask(ModelInferRequest request) => await cluster.Client.ModelInferAsync(request);

    private static int Correct(ModelInferResponse response, byte[] labels) => InferenceCalls.Predictions(response).Zip(labels).Count(p => p.First == p.Second);

    /// <summary>Nearest-neighbour upscale of 28×28 images by <paramref name="factor"/>.</summary>
    private static byte[] Upscale(byte[] images, int count, double factor)
    {
        int side = (int)Math.Round(28 * factor);
        var result = new byte[count * side * side];
        for (int n = 0; n < count; n++)
        {
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    result[(n * side + y) * side + x] = images[n * 784 + (int)(y / factor) * 28 + (int)(x / factor)];
                }
            }
        }

        return result;
    }
}
