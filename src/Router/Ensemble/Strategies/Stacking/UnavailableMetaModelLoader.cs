namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// The loader of a registry built without one (<see cref="AggregationStrategies.CreateDefault"/> in tools and tests
/// that never prepare a stacking arm): preparing one then fails with this reason at config load.
/// </summary>
internal sealed class UnavailableMetaModelLoader : IMetaModelLoader
{
    public static readonly UnavailableMetaModelLoader Instance = new();

    public IMetaModel Load(string modelPath, string inputName, string outputName) =>
        throw new InvalidOperationException("no meta-model loader was given to the strategies");
}
