using EnsembleGrpc.InferenceServer.Repository;
using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Runs a model on one ONNX Runtime session shared by all of the model's concurrent batches (Run is thread-safe).
/// Each run rents pinned buffers for its batch size with OrtValues already bound to the session
/// (<see cref="RunBufferPool"/>), copies the rows in, runs, and copies the outputs into the arrays handed back to
/// the scheduler: after the first batch of a size, nothing but those result arrays is allocated per run.
/// </summary>
internal sealed class OrtModelExecutor : IModelExecutor
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtTensorLayout _layout;
    private readonly RunBufferPool _buffers;
    private readonly string _modelName;

    public OrtModelExecutor(ModelDefinition model, InferenceSession session, string executionProvider, long bufferCacheBytes)
    {
        _session = session;
        _modelName = model.Name;
        _layout = new OrtTensorLayout(model.Config);
        _buffers = new RunBufferPool(session, _layout, bufferCacheBytes);
        ExecutionProvider = executionProvider;
    }

    public string ExecutionProvider { get; }

    /// <summary>Bytes of pinned buffers kept for reuse (for tests and diagnostics).</summary>
    internal long BufferBytes => _buffers.KeptBytes;

    public float[][] Run(int batchSize, IReadOnlyList<ReadOnlyMemory<float>> inputs)
    {
        Validate(batchSize, inputs);
        var buffers = _buffers.Rent(batchSize);
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                inputs[i].Span.CopyTo(buffers.Inputs[i]);
            }

            buffers.Run(_session, _runOptions);
            var outputs = new float[buffers.Outputs.Length][];
            for (var o = 0; o < outputs.Length; o++)
            {
                outputs[o] = buffers.Outputs[o].AsSpan().ToArray();
            }

            return outputs;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelExecutionException($"Model '{_modelName}' failed on a batch of {batchSize}: {ex.Message}", ex);
        }
        finally
        {
            _buffers.Return(buffers);
        }
    }

    public void Dispose()
    {
        _buffers.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>The scheduler hands over exactly what the contract says; anything else is a bug worth a clear message.</summary>
    private void Validate(int batchSize, IReadOnlyList<ReadOnlyMemory<float>> inputs)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"Model '{_modelName}': a batch has at least one row");
        }

        if (inputs.Count != _layout.InputNames.Length)
        {
            throw new ArgumentException($"Model '{_modelName}' takes {_layout.InputNames.Length} inputs ({string.Join(", ", _layout.InputNames)}); {inputs.Count} were given", nameof(inputs));
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var expected = batchSize * _layout.InputRowElements[i];
            if (inputs[i].Length != expected)
            {
                throw new ArgumentException(
                    $"Model '{_modelName}' input '{_layout.InputNames[i]}': a batch of {batchSize} needs {expected} values ({_layout.InputRowElements[i]} per row); {inputs[i].Length} were given",
                    nameof(inputs));
            }
        }
    }
}
