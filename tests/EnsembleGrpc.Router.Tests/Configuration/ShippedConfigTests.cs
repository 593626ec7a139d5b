using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Router.Tests.Configuration;

public sealed class ShippedConfigTests
{
    [Fact]
    public void The_default_routing_file_loads_with_the_real_meta_model()
    {
        using var loader = new OnnxMetaModelLoader();
        var provider = new RoutingConfigProvider(
            Path.Combine(RepoPaths.Root, "config", "routing.json"),
            TestBuilders.ModelBuilder(loader),
            TimeProvider.System,
            NullLogger<RoutingConfigProvider>.Instance);

        var mnist = provider.Current.Ensembles["mnist"];
        Assert.Equal(["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"], mnist.Members.Select(m => m.Name));
        Assert.Equal(100, mnist.TotalWeight);
        var stacking = Assert.IsType<StackingParameters>(mnist.FindArm("stacking")!.Parameters);
        Assert.Equal("vote", mnist.Shadow!.Arm.Name);
        // The meta-model runs: three one-hot members agreeing on 4 → the stacker says 4.
        var features = new float[30];
        features[4] = features[14] = features[24] = 1;
        var output = stacking.MetaModel.Run(features, 1, 30);
        Assert.Equal(4, Argmax.Row(output));
    }
}
