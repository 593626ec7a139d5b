using System.Runtime.InteropServices;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// The parts of an ONNX model's main graph that <see cref="LinearOnnxGraph"/> matches (field numbers from onnx.proto):
/// nodes, float initializers, inputs and outputs. Anything it cannot represent faithfully (sparse or external
/// initializers, segmented tensors) sets <see cref="HasUnsupportedParts"/>.
/// </summary>
internal sealed class OnnxGraphParts
{
    public List<Node> Nodes { get; } = [];

    public Dictionary<string, Tensor> Initializers { get; } = new(StringComparer.Ordinal);

    public List<ValueInfo> Inputs { get; } = [];

    public List<ValueInfo> Outputs { get; } = [];

    public bool HasUnsupportedParts { get; private set; }

    public static OnnxGraphParts Read(ReadOnlySpan<byte> model)
    {
        var parts = new OnnxGraphParts();
        bool sawGraph = false;
        var reader = new ProtobufWireReader(model);
        while (reader.Next())
        {
            if (reader.Field == 7 && reader.WireType == ProtobufWireReader.LengthDelimited)
            {
                parts.ReadGraph(reader.ReadBytes());
                sawGraph = true;
            }
            else
            {
                reader.Skip();
            }
        }

        return sawGraph ? parts : throw new InvalidDataException("the model has no graph");
    }

    private void ReadGraph(ReadOnlySpan<byte> graph)
    {
        var reader = new ProtobufWireReader(graph);
        while (reader.Next())
        {
            switch (reader.Field, reader.WireType)
            {
                case (1, ProtobufWireReader.LengthDelimited): Nodes.Add(ReadNode(reader.ReadBytes())); break;
                case (5, ProtobufWireReader.LengthDelimited): AddInitializer(reader.ReadBytes()); break;
                case (11, ProtobufWireReader.LengthDelimited): Inputs.Add(ReadValueInfo(reader.ReadBytes())); break;
                case (12, ProtobufWireReader.LengthDelimited): Outputs.Add(ReadValueInfo(reader.ReadBytes())); break;
                case (15, _): HasUnsupportedParts = true; reader.Skip(); break;   // sparse_initializer
                default: reader.Skip(); break;
            }
        }
    }

    private static Node ReadNode(ReadOnlySpan<byte> bytes)
    {
        var node = new Node();
        var reader = new ProtobufWireReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field, reader.WireType)
            {
                case (1, ProtobufWireReader.LengthDelimited): node.Inputs.Add(reader.ReadString()); break;
                case (2, ProtobufWireReader.LengthDelimited): node.Outputs.Add(reader.ReadString()); break;
                case (4, ProtobufWireReader.LengthDelimited): node.OpType = reader.ReadString(); break;
                case (5, ProtobufWireReader.LengthDelimited): node.Attributes.Add(ReadAttribute(reader.ReadBytes())); break;
                case (7, ProtobufWireReader.LengthDelimited): node.Domain = reader.ReadString(); break;
                default: reader.Skip(); break;
            }
        }

        return node;
    }

    /// <summary>An attribute's name and its integer value (null for any other kind of value).</summary>
    private static NodeAttribute ReadAttribute(ReadOnlySpan<byte> bytes)
    {
        string name = string.Empty;
        long? value = null;
        bool other = false;
        var reader = new ProtobufWireReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field, reader.WireType)
            {
                case (1, ProtobufWireReader.LengthDelimited): name = reader.ReadString(); break;
                case (3, ProtobufWireReader.Varint): value = (long)reader.ReadVarint(); break;
                case (20, ProtobufWireReader.Varint): other |= reader.ReadVarint() != 2; break;   // type: 2 = INT
                case (13 or 21, _): reader.Skip(); break;                                         // doc_string, ref_attr_name
                default: other = true; reader.Skip(); break;
            }
        }

        return new NodeAttribute(name, other ? null : value);
    }

    private void AddInitializer(ReadOnlySpan<byte> bytes)
    {
        var dims = new List<long>();
        string name = string.Empty;
        int dataType = 0;
        ReadOnlySpan<byte> raw = default;
        var floats = new List<float>();
        bool unsupported = false;
        var reader = new ProtobufWireReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field, reader.WireType)
            {
                case (1, ProtobufWireReader.Varint): dims.Add((long)reader.ReadVarint()); break;
                case (1, ProtobufWireReader.LengthDelimited): ReadPackedVarints(reader.ReadBytes(), dims); break;
                case (2, ProtobufWireReader.Varint): dataType = (int)reader.ReadVarint(); break;
                case (4, ProtobufWireReader.Fixed32): floats.Add(reader.ReadFloat()); break;
                case (4, ProtobufWireReader.LengthDelimited): ReadPackedFloats(reader.ReadBytes(), floats); break;
                case (8, ProtobufWireReader.LengthDelimited): name = reader.ReadString(); break;
                case (9, ProtobufWireReader.LengthDelimited): raw = reader.ReadBytes(); break;
                case (12, _): reader.Skip(); break;                                               // doc_string
                default: unsupported = true; reader.Skip(); break;                                // segment, external data, other types
            }
        }

        // The element count, or -1 when a dimension is negative or the product leaves the range a float array can hold.
        long count = 1;
        foreach (long d in dims)
        {
            count = d < 0 || count < 0 || (d > 0 && count > int.MaxValue / 4 / d) ? -1 : count * d;
        }

        float[]? values = null;
        if (!unsupported && dataType == 1 && count >= 0)
        {
            values = raw.Length > 0 && raw.Length == count * 4 ? ReadRawFloats(raw)
                : raw.Length == 0 && floats.Count == count ? [.. floats] : null;
        }

        HasUnsupportedParts |= unsupported;
        Initializers[name] = new Tensor([.. dims], values);
    }

    private static ValueInfo ReadValueInfo(ReadOnlySpan<byte> bytes)
    {
        string name = string.Empty;
        int elementType = 0;
        var dims = new List<long>();
        var reader = new ProtobufWireReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field, reader.WireType)
            {
                case (1, ProtobufWireReader.LengthDelimited): name = reader.ReadString(); break;
                case (2, ProtobufWireReader.LengthDelimited): ReadTensorType(reader.ReadBytes(), ref elementType, dims); break;
                default: reader.Skip(); break;
            }
        }

        return new ValueInfo(name, elementType, [.. dims]);
    }

    /// <summary>TypeProto → tensor_type (1) → elem_type (1) and shape (2) → dim (1) → dim_value (1); 0 = unknown.</summary>
    private static void ReadTensorType(ReadOnlySpan<byte> typeProto, ref int elementType, List<long> dims)
    {
        var type = new ProtobufWireReader(typeProto);
        while (type.Next())
        {
            if (type.Field != 1 || type.WireType != ProtobufWireReader.LengthDelimited)
            {
                type.Skip();
                continue;
            }

            var tensor = new ProtobufWireReader(type.ReadBytes());
            while (tensor.Next())
            {
                switch (tensor.Field, tensor.WireType)
                {
                    case (1, ProtobufWireReader.Varint): elementType = (int)tensor.ReadVarint(); break;
                    case (2, ProtobufWireReader.LengthDelimited): ReadShape(tensor.ReadBytes(), dims); break;
                    default: tensor.Skip(); break;
                }
            }
        }
    }

    private static void ReadShape(ReadOnlySpan<byte> shapeProto, List<long> dims)
    {
        var shape = new ProtobufWireReader(shapeProto);
        while (shape.Next())
        {
            if (shape.Field != 1 || shape.WireType != ProtobufWireReader.LengthDelimited)
            {
                shape.Skip();
                continue;
            }

            long value = 0;
            var dim = new ProtobufWireReader(shape.ReadBytes());
            while (dim.Next())
            {
                if (dim.Field == 1 && dim.WireType == ProtobufWireReader.Varint)
                {
                    value = (long)dim.ReadVarint();
                }
                else
                {
                    dim.Skip();
                }
            }

            dims.Add(value);
        }
    }

    private static void ReadPackedVarints(ReadOnlySpan<byte> bytes, List<long> values)
    {
        var reader = new ProtobufWireReader(bytes);
        while (!reader.AtEnd)
        {
            values.Add((long)reader.ReadVarint());
        }
    }

    private static void ReadPackedFloats(ReadOnlySpan<byte> bytes, List<float> values)
    {
        if (bytes.Length % 4 != 0)
        {
            throw new InvalidDataException("packed floats not a multiple of 4 bytes");
        }

        values.AddRange(ReadRawFloats(bytes));
    }

    // ONNX stores raw data little-endian, as the machines the router runs on.
    private static float[] ReadRawFloats(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    internal sealed class Node
    {
        public string OpType { get; set; } = string.Empty;

        public string Domain { get; set; } = string.Empty;

        public List<string> Inputs { get; } = [];

        public List<string> Outputs { get; } = [];

        public List<NodeAttribute> Attributes { get; } = [];
    }

    internal sealed record NodeAttribute(string Name, long? Int);

    /// <summary>Dims and the values when the tensor is float data stored in the file; null values otherwise.</summary>
    internal sealed record Tensor(long[] Dims, float[]? Floats);

    internal sealed record ValueInfo(string Name, int ElementType, long[] Dims);
}
