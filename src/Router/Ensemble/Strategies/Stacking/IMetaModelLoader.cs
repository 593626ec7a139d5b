namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>Loads stacking meta-models; an interface so that configuration tests need no native runtime.</summary>
public interface IMetaModelLoader
{
    /// <summary>Loads the ONNX file at <paramref name="modelPath"/>; throws with a clear message when it cannot.</summary>
    IMetaModel Load(string modelPath, string inputName, string outputName);
}
