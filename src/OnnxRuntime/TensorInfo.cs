using System.Text;

namespace EnsembleGrpc.OnnxRuntime;

/// <summary>A model input or output as the model declares it.</summary>
public sealed class TensorInfo
{
    private readonly long[] _shape;
    private readonly string[] _symbolicDimensions;

    internal TensorInfo(string name, bool isTensor, TensorElementType elementType, long[] shape, string[] symbolicDimensions)
    {
        Name = name;
        IsTensor = isTensor;
        ElementType = elementType;
        _shape = shape;
        _symbolicDimensions = symbolicDimensions;
    }

    public string Name { get; }

    /// <summary>False for sequence, map and other non-tensor values, which this binding cannot feed or read.</summary>
    public bool IsTensor { get; }

    public TensorElementType ElementType { get; }

    /// <summary>Dimensions; -1 where the model leaves a dimension free (symbolic like "batch", or unnamed).</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>Per dimension, its symbolic name ("batch") or "" when the dimension is fixed or unnamed.</summary>
    public IReadOnlyList<string> SymbolicDimensions => _symbolicDimensions;

    public int Rank => _shape.Length;

    internal ReadOnlySpan<long> ShapeSpan => _shape;

    /// <summary>The shape as "[batch,1,28,28]": symbolic names where the model has them, "?" for unnamed free dimensions.</summary>
    public string ShapeText
    {
        get
        {
            var text = new StringBuilder("[");
            for (int i = 0; i < _shape.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                if (_shape[i] >= 0)
                {
                    text.Append(_shape[i]);
                }
                else
                {
                    text.Append(_symbolicDimensions[i].Length > 0 ? _symbolicDimensions[i] : "?");
                }
            }

            return text.Append(']').ToString();
        }
    }

    public override string ToString() => $"{Name}: {ElementType}{ShapeText}";
}
