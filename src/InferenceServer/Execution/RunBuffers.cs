using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// One batch size's pinned input and output buffers, the OrtValues over them and an IO binding that binds them
/// to the session once, so a Run is one native call with no allocation (Run with OrtValue collections would
/// build name and handle arrays every call). Used by one run at a time; the pool hands it out.
/// </summary>
internal sealed class RunBuffers : IDisposable
{
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;

    public RunBuffers(InferenceSession session, OrtTensorLayout layout, int batchSize)
    {
        BatchSize = batchSize;
        Inputs = [.. layout.InputRowElements.Select(n => GC.AllocateArray<float>(batchSize * n, pinned: true))];
        Outputs = [.. layout.OutputRowElements.Select(n => GC.AllocateArray<float>(batchSize * n, pinned: true))];
        _values = new OrtValue[Inputs.Length + Outputs.Length];
        _binding = session.CreateIoBinding();
        try
        {
            for (var i = 0; i < Inputs.Length; i++)
            {
                _values[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Inputs[i].AsMemory(), layout.InputShape(i, batchSize));
                _binding.BindInput(layout.InputNames[i], _values[i]);
            }

            for (var o = 0; o < Outputs.Length; o++)
            {
                var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Outputs[o].AsMemory(), layout.OutputShape(o, batchSize));
                _values[Inputs.Length + o] = value;
                _binding.BindOutput(layout.OutputNames[o], value);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int BatchSize { get; }

    /// <summary>Pinned, so the OrtValues over them stay valid; written before each run.</summary>
    public float[][] Inputs { get; }

    /// <summary>Pinned; ONNX Runtime writes the outputs here.</summary>
    public float[][] Outputs { get; }

    /// <summary>Counted in the pool's budget and kept for reuse.</summary>
    public bool Kept { get; set; }

    public long Bytes => (Inputs.Sum(a => (long)a.Length) + Outputs.Sum(a => (long)a.Length)) * sizeof(float);

    public void Run(InferenceSession session, RunOptions options) => session.RunWithBinding(options, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values)
        {
            value?.Dispose();
        }
    }
}
