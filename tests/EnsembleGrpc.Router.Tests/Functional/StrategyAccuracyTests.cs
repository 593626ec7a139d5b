using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Functional;

[Collection(RouterClusterCollection.Name)]
public sealed class StrategyAccuracyTests(RouterCluster cluster, ITestOutputHelper output)
{
    private const int Batch = 50;
    private static readonly string[] Members = ["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"];

    [Fact]
    public async Task Each_strategy_through_the_router_matches_the_offline_computation_on_the_test_split()
    {
        var set = cluster.TestSet;
        // Member outputs straight from the workers, bypassing the router.
        var outputs = new Dictionary<string, float[]>();
        foreach (var member in Members)
        {
            var all = new List<float>(set.Count * 10);
            for (int start = 0; start < set.Count; start += Batch)
            {
                int n = Math.Min(Batch, set.Count - start);
                var response = await cluster.Members[member].ModelInferAsync(InferenceCalls.Fp32(member, set.ToModelInput(start, n), n));
                all.AddRange(InferenceCalls.Probabilities(response));
            }

            outputs[member] = [.. all];
            output.WriteLine($"{member}: accuracy {Accuracy(Argmax(outputs[member], set.Count), set.Labels):P2}");
        }

        foreach (var strategy in new[] { "bagging", "boosting", "stacking", "vote", "best" })
        {
            var offline = OfflineEnsemble.Predict(strategy, Members, outputs, set.Count);
            var routed = new List<int>(set.Count);
            for (int start = 0; start < set.Count; start += Batch)
            {
                int n = Math.Min(Batch, set.Count - start);
                var response = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("mnist", set.ToModelInput(start, n), n, strategy: strategy));
                Assert.Equal(strategy, InferenceCalls.Str(response, "ensemble_strategy"));
                Assert.False(InferenceCalls.Fallback(response), $"{strategy}, rows {start}..{start + n - 1}: fell back ({InferenceCalls.Str(response, "fallback_reason")}), {InferenceCalls.Answered(response)} members answered");
                Assert.Equal(3, InferenceCalls.Answered(response));
                routed.AddRange(InferenceCalls.Predictions(response));
            }

            double routerAccuracy = Accuracy([.. routed], set.Labels);
            double offlineAccuracy = Accuracy(offline, set.Labels);
            output.WriteLine($"{strategy}: router {routerAccuracy:P2} ({routed.Zip(set.Labels).Count(p => p.First == p.Second)}/{set.Count}), offline {offlineAccuracy:P2}");
            Assert.Equal(offlineAccuracy, routerAccuracy);
            Assert.Equal(offline, routed);
        }
    }

    private static int[] Argmax(float[] probabilities, int count) =>
        Enumerable.Range(0, count).Select(r =>
        {
            var row = probabilities.AsSpan(r * 10, 10).ToArray();
            return Array.IndexOf(row, row.Max());
        }).ToArray();

    private static double Accuracy(int[] predictions, byte[] labels) => (double)predictions.Zip(labels).Count(p => p.First == p.Second) / predictions.Length;
}
