using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Functional;

namespace EnsembleGrpc.Router.Tests.Processes;

/// <summary>
/// A stacking meta-model that fails for real, inside ONNX Runtime in the router process (the wrong model file deployed
/// as the stacker): every member answered, so the answer is bagging over all of them, flagged, and no worker is blamed.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class BrokenMetaModelTests(ProcessCluster cluster)
{
    private static readonly string[] Members = ["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"];

    [Fact]
    public async Task A_meta_model_that_fails_to_run_is_replaced_by_bagging_over_every_member()
    {
        const int batch = 16;
        var input = cluster.TestSet.ToModelInput(0, batch);

        var response = await cluster.Client.ModelInferAsync(InferenceCalls.Fp32("stack", input, batch));

        Assert.True(InferenceCalls.Fallback(response));
        Assert.Equal("bagging", InferenceCalls.Str(response, "ensemble_strategy"));
        Assert.Equal("strategy_failed", InferenceCalls.Str(response, "fallback_reason"));
        Assert.Equal(3, InferenceCalls.Answered(response));
        var outputs = new Dictionary<string, float[]>();
        foreach (var member in Members)
        {
            outputs[member] = InferenceCalls.Probabilities(await cluster.Steady.ModelInferAsync(InferenceCalls.Fp32(member, input, batch)));
        }

        Assert.Equal(OfflineEnsemble.Predict("bagging", Members, outputs, batch), InferenceCalls.Predictions(response));
        var stats = (await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "stack" })).Ensembles[0];
        Assert.Equal(1UL, stats.Arms.Single().Fallbacks);
        Assert.Equal(0UL, stats.Arms.Single().Errors);
        Assert.All(stats.Members.SelectMany(m => m.Endpoints), e => Assert.Equal(("closed", 0UL), (e.BreakerState, e.Failures)));
    }
}
