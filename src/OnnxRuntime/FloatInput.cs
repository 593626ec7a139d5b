namespace EnsembleGrpc.OnnxRuntime;

/// <summary>
/// One fp32 input for <see cref="InferenceSession.Run(ReadOnlySpan{FloatInput}, ReadOnlySpan{string})"/>: row-major data
/// and its shape. The data is read in place (pinned for the duration of the call), never copied.
/// </summary>
public readonly struct FloatInput
{
    public FloatInput(string name, ReadOnlyMemory<float> data, ReadOnlyMemory<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Data = data;
        Shape = shape;
    }

    public string Name { get; }

    public ReadOnlyMemory<float> Data { get; }

    public ReadOnlyMemory<long> Shape { get; }
}
