using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.OnnxRuntime;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Runs a model on one ONNX Runtime session shared by all of the model's concurrent batches (Run is thread-safe).
/// The single-input, single-output case (every model of the repository) uses the binding's allocation-free
/// <c>RunInto</c>, writing straight into the array handed back to the scheduler.
/// </summary>
internal sealed class OrtModelExecutor : IModelExecutor
{
    private readonly InferenceSession _session;
    private readonly string _modelName;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[][] _inputShapes;
    private readonly int[] _inputRowElements;
    private readonly int[] _outputRowElements;
    private readonly int _outputRank;

    public OrtModelExecutor(ModelDefinition model, InferenceSession session)
    {
        _session = session;
        _modelName = model.Name;
        _inputNames = [.. model.Config.Inputs.Select(t => t.Name)];
        _outputNames = [.. model.Config.Outputs.Select(t => t.Name)];
        _inputShapes = [.. model.Config.Inputs.Select(t => t.Shape.ToArray())];
        _inputRowElements = [.. model.Config.Inputs.Select(ModelDefinition.RowElements)];
        _outputRowElements = [.. model.Config.Outputs.Select(ModelDefinition.RowElements)];
        _outputRank = model.Config.Outputs.Max(t => t.Shape.Count);
    }

    public float[][] Run(int batchSize, IReadOnlyList<ReadOnlyMemory<float>> inputs)
    {
        try
        {
            return _inputNames.Length == 1 && _outputNames.Length == 1 ? RunSingle(batchSize, inputs[0]) : RunMany(batchSize, inputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelExecutionException($"Model '{_modelName}' failed on a batch of {batchSize}: {ex.Message}", ex);
        }
    }

    public void Dispose() => _session.Dispose();

    private float[][] RunSingle(int batchSize, ReadOnlyMemory<float> input)
    {
        Span<long> shape = stackalloc long[_inputShapes[0].Length];
        BatchShape(_inputShapes[0], batchSize, shape);
        var output = new float[batchSize * _outputRowElements[0]];
        Span<long> outputShape = stackalloc long[_outputRank];
        var extent = _session.RunInto(_inputNames[0], input.Span, shape, _outputNames[0], output, outputShape);
        if (extent.ElementCount != output.Length)
        {
            throw new ModelExecutionException($"Model '{_modelName}' wrote {extent.ElementCount} values for a batch of {batchSize}; expected {output.Length}");
        }

        return [output];
    }

    private float[][] RunMany(int batchSize, IReadOnlyList<ReadOnlyMemory<float>> inputs)
    {
        var feeds = new FloatInput[_inputNames.Length];
        for (var i = 0; i < feeds.Length; i++)
        {
            var shape = new long[_inputShapes[i].Length];
            BatchShape(_inputShapes[i], batchSize, shape);
            feeds[i] = new FloatInput(_inputNames[i], inputs[i][..(batchSize * _inputRowElements[i])], shape);
        }

        var results = _session.Run(feeds, _outputNames);
        return [.. results.Select(r => r.Data)];
    }

    private static void BatchShape(long[] configured, int batchSize, Span<long> shape)
    {
        configured.CopyTo(shape);
        shape[0] = batchSize;
    }
}
