using EnsembleGrpc.OnnxRuntime;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>A stacking meta-model on an in-process ONNX Runtime session (thread-safe Run).</summary>
public sealed class OnnxMetaModel(InferenceSession session, string inputName, string outputName) : IMetaModel
{
    public string ModelPath => session.ModelPath;

    public float[] Run(float[] memberProbabilities, int batchSize, int inputWidth)
    {
        ReadOnlySpan<long> shape = [batchSize, inputWidth];
        return session.RunFloat(inputName, memberProbabilities, shape, outputName, out _);
    }
}
