using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// A stacking meta-model on an in-process ONNX Runtime session (Run is thread-safe on one session). The input and
/// output tensors are OrtValues over the caller's feature array and the returned array, so a Run copies nothing;
/// only an output with a free non-batch dimension is left to ONNX Runtime to allocate, then copied.
/// </summary>
public sealed class OnnxMetaModel : IMetaModel
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <summary>Elements per output row when every non-batch dimension is fixed; null otherwise.</summary>
    private readonly int? _outputRowElements;
    private readonly long[] _outputRowShape;

    public OnnxMetaModel(InferenceSession session, RunOptions runOptions, string modelPath, string inputName, string outputName)
    {
        _session = session;
        _runOptions = runOptions;
        ModelPath = modelPath;
        _inputNames = [inputName];
        _outputNames = [outputName];
        var dimensions = session.OutputMetadata[outputName].Dimensions;
        _outputRowShape = [.. dimensions.Skip(1).Select(d => (long)d)];
        _outputRowElements = dimensions.Skip(1).All(d => d > 0) ? dimensions.Skip(1).Aggregate(1, (a, d) => a * d) : null;
    }

    public string ModelPath { get; }

    public float[] Run(float[] memberProbabilities, int batchSize, int inputWidth)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memberProbabilities.AsMemory(0, batchSize * inputWidth), [batchSize, inputWidth]);
        if (_outputRowElements is { } rowElements)
        {
            var output = new float[batchSize * rowElements];
            using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [batchSize, .. _outputRowShape]);
            _session.Run(_runOptions, _inputNames, [input], _outputNames, [outputValue]);
            return output;
        }

        using var results = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
