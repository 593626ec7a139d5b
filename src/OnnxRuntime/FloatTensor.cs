namespace EnsembleGrpc.OnnxRuntime;

/// <summary>An fp32 output copied out of ORT: its name, row-major data and shape.</summary>
public sealed class FloatTensor
{
    public FloatTensor(string name, float[] data, long[] shape)
    {
        Name = name;
        Data = data;
        Shape = shape;
    }

    public string Name { get; }

    public float[] Data { get; }

    public long[] Shape { get; }
}
