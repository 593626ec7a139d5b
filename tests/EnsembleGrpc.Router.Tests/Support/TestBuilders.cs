using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>A model builder over the built-in strategies (and a test's own), validator and builder sharing one registry.</summary>
internal static class TestBuilders
{
    public static RouterModelBuilder ModelBuilder(IMetaModelLoader? metaModelLoader = null, params IEnumerable<IAggregationStrategy> more)
    {
        var strategies = AggregationStrategies.CreateDefault(metaModelLoader, more);
        return new RouterModelBuilder(new RoutingConfigValidator(strategies), strategies);
    }
}
