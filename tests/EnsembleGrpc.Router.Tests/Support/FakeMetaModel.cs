using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>A meta-model that returns a fixed function of its input, or throws.</summary>
internal sealed class FakeMetaModel(Func<float[], int, int, float[]> run) : IMetaModel, IMetaModelLoader
{
    public List<string> Loaded { get; } = [];

    public float[] Run(float[] memberProbabilities, int batchSize, int inputWidth) => run(memberProbabilities, batchSize, inputWidth);

    public IMetaModel Load(string modelPath, string inputName, string outputName)
    {
        Loaded.Add(modelPath);
        return this;
    }
}
