using EnsembleGrpc.InferenceServer.Repository;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>A model's configured tensors as the executor needs them: names, shapes and elements per row.</summary>
internal sealed class OrtTensorLayout
{
    private readonly long[][] _inputShapes;
    private readonly long[][] _outputShapes;

    public OrtTensorLayout(ModelConfig config)
    {
        InputNames = [.. config.Inputs.Select(t => t.Name)];
        OutputNames = [.. config.Outputs.Select(t => t.Name)];
        _inputShapes = [.. config.Inputs.Select(t => t.Shape.ToArray())];
        _outputShapes = [.. config.Outputs.Select(t => t.Shape.ToArray())];
        InputRowElements = [.. config.Inputs.Select(ModelDefinition.RowElements)];
        OutputRowElements = [.. config.Outputs.Select(ModelDefinition.RowElements)];
    }

    public string[] InputNames { get; }

    public string[] OutputNames { get; }

    public int[] InputRowElements { get; }

    public int[] OutputRowElements { get; }

    /// <summary>Bytes of one batch size's input and output buffers.</summary>
    public long BytesFor(int batchSize) => (InputRowElements.Sum(n => (long)n) + OutputRowElements.Sum(n => (long)n)) * batchSize * sizeof(float);

    public long[] InputShape(int input, int batchSize) => WithBatch(_inputShapes[input], batchSize);

    public long[] OutputShape(int output, int batchSize) => WithBatch(_outputShapes[output], batchSize);

    private static long[] WithBatch(long[] configured, int batchSize)
    {
        var shape = (long[])configured.Clone();
        shape[0] = batchSize;
        return shape;
    }
}
