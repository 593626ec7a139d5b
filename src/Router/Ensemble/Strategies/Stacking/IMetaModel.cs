namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>A stacking meta-model run in-process: [N, members×classes] member probabilities → [N, classes] probabilities.</summary>
public interface IMetaModel
{
    /// <summary>Runs the model; thread-safe. Throws on failure (the stacking strategy turns that into a fallback).</summary>
    float[] Run(float[] memberProbabilities, int batchSize, int inputWidth);
}
