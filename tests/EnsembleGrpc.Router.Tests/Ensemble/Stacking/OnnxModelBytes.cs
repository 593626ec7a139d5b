using Google.Protobuf;

namespace EnsembleGrpc.Router.Tests.Ensemble.Stacking;

/// <summary>
/// Writes small ONNX models (field numbers from onnx.proto) for the meta-model loader's tests: a linear stacker
/// Softmax(MatMul(x, W) + b) and variants of it that must not be taken for one.
/// </summary>
internal static class OnnxModelBytes
{
    public sealed record Node(string OpType, string[] Inputs, string Output, long? Axis = null);

    public static byte[] Linear(float[,] weights, float[] bias, long softmaxAxis = -1, string addOp = "Add") => Model(
        [new("MatMul", ["x", "W"], "z"), new(addOp, ["z", "b"], "logits"), new("Softmax", ["logits"], "y", softmaxAxis)],
        [("W", [weights.GetLength(0), weights.GetLength(1)], weights.Cast<float>().ToArray()), ("b", [bias.Length], bias)],
        input: ("x", weights.GetLength(0)), output: "y");

    public static byte[] Model(Node[] nodes, (string Name, long[] Dims, float[] Values)[] initializers, (string Name, long Width) input, string output)
    {
        var graph = Message(g =>
        {
            foreach (var node in nodes)
            {
                Field(g, 1, NodeBytes(node));
            }

            Field(g, 2, "graph");
            foreach (var (name, dims, values) in initializers)
            {
                Field(g, 5, Message(t =>
                {
                    foreach (long d in dims)
                    {
                        t.WriteTag(1, WireFormat.WireType.Varint);
                        t.WriteInt64(d);
                    }

                    t.WriteTag(2, WireFormat.WireType.Varint);
                    t.WriteInt32(1);
                    Field(t, 8, name);
                    Field(t, 9, values.SelectMany(BitConverter.GetBytes).ToArray());
                }));
            }

            Field(g, 11, ValueInfo(input.Name, [0, input.Width]));
            Field(g, 12, ValueInfo(output, [0, initializers[0].Dims[^1]]));
        });
        return Message(m =>
        {
            m.WriteTag(1, WireFormat.WireType.Varint);
            m.WriteInt64(8);
            Field(m, 7, graph);
            Field(m, 8, Message(o =>
            {
                o.WriteTag(2, WireFormat.WireType.Varint);
                o.WriteInt64(13);
            }));
        });
    }

    private static byte[] NodeBytes(Node node) => Message(n =>
    {
        foreach (string input in node.Inputs)
        {
            Field(n, 1, input);
        }

        Field(n, 2, node.Output);
        Field(n, 4, node.OpType);
        if (node.Axis is { } axis)
        {
            Field(n, 5, Message(a =>
            {
                Field(a, 1, "axis");
                a.WriteTag(3, WireFormat.WireType.Varint);
                a.WriteInt64(axis);
                a.WriteTag(20, WireFormat.WireType.Varint);
                a.WriteInt32(2);
            }));
        }
    });

    // ValueInfoProto: name (1), type (2) = TypeProto { tensor_type (1) { elem_type (1) FLOAT, shape (2) { dim (1)... } } }.
    private static byte[] ValueInfo(string name, long[] dims) => Message(v =>
    {
        Field(v, 1, name);
        Field(v, 2, Message(type => Field(type, 1, Message(tensor =>
        {
            tensor.WriteTag(1, WireFormat.WireType.Varint);
            tensor.WriteInt32(1);
            Field(tensor, 2, Message(shape =>
            {
                foreach (long d in dims)
                {
                    Field(shape, 1, Message(dim =>
                    {
                        if (d > 0)
                        {
                            dim.WriteTag(1, WireFormat.WireType.Varint);
                            dim.WriteInt64(d);
                        }
                        else
                        {
                            Field(dim, 2, "N");
                        }
                    }));
                }
            }));
        }))));
    });

    private static void Field(CodedOutputStream stream, int field, string value)
    {
        stream.WriteTag(field, WireFormat.WireType.LengthDelimited);
        stream.WriteString(value);
    }

    private static void Field(CodedOutputStream stream, int field, byte[] value)
    {
        stream.WriteTag(field, WireFormat.WireType.LengthDelimited);
        stream.WriteBytes(ByteString.CopyFrom(value));
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var stream = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(stream);
        }

        return buffer.ToArray();
    }
}
