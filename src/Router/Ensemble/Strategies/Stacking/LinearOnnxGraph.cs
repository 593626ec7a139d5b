namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// The one meta-model form the training pipeline writes for a linear stacker (tools/train/stacker.py):
/// <c>Softmax(MatMul(x, W) + b)</c> row by row, x [N, K] the graph's only input, W [K, C] and b [C] (or [1, C]) float
/// initializers, Softmax over the last axis. Read straight from the ONNX file, so that a router whose meta-models all
/// have this form never loads ONNX Runtime (about 22 MB resident, and a native call per stacked request for 300
/// multiply-adds). Any other graph is not recognised (<see cref="TryRead"/> says why) and runs on ONNX Runtime.
/// </summary>
internal sealed class LinearOnnxGraph
{
    private const int FloatType = 1;

    private LinearOnnxGraph(string inputName, string outputName, int features, int classes, float[] weights, float[] bias)
    {
        InputName = inputName;
        OutputName = outputName;
        Features = features;
        Classes = classes;
        Weights = weights;
        Bias = bias;
    }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>K: the input's width.</summary>
    public int Features { get; }

    /// <summary>C: the output's width.</summary>
    public int Classes { get; }

    /// <summary>W, [K, C] row-major.</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    /// <summary>The graph when it has the linear form; otherwise null and the reason (also for a malformed file).</summary>
    public static LinearOnnxGraph? TryRead(ReadOnlySpan<byte> model, out string reason)
    {
        try
        {
            return Match(OnnxGraphParts.Read(model), out reason);
        }
        catch (InvalidDataException ex)
        {
            reason = $"not readable as an ONNX model: {ex.Message}";
            return null;
        }
    }

    private static LinearOnnxGraph? Match(OnnxGraphParts graph, out string reason)
    {
        reason = string.Empty;
        var inputs = graph.Inputs.Where(i => !graph.Initializers.ContainsKey(i.Name)).ToList();
        if (graph.HasUnsupportedParts || graph.Nodes.Count != 3 || inputs.Count != 1 || graph.Outputs.Count != 1
            || graph.Nodes.Any(n => n.Domain is not ("" or "ai.onnx")))
        {
            reason = "the graph is not MatMul, Add and Softmax over one input and one output";
            return null;
        }

        var matMul = graph.Nodes.SingleOrDefault(n => n.OpType == "MatMul");
        var add = graph.Nodes.SingleOrDefault(n => n.OpType == "Add");
        var softmax = graph.Nodes.SingleOrDefault(n => n.OpType == "Softmax");
        if (matMul is null || add is null || softmax is null
            || matMul.Inputs.Count != 2 || matMul.Outputs.Count != 1 || matMul.Attributes.Count != 0
            || add.Inputs.Count != 2 || add.Outputs.Count != 1 || add.Attributes.Count != 0
            || softmax.Inputs.Count != 1 || softmax.Outputs.Count != 1)
        {
            reason = "the graph's nodes are not one MatMul, one Add and one Softmax";
            return null;
        }

        var input = inputs[0];
        if (matMul.Inputs[0] != input.Name || !graph.Initializers.TryGetValue(matMul.Inputs[1], out var weights)
            || weights.Dims is not [> 0 and <= int.MaxValue, > 0 and <= int.MaxValue] || weights.Floats is null)
        {
            reason = "MatMul does not multiply the input by a float [K, C] initializer";
            return null;
        }

        int features = (int)weights.Dims[0];
        int classes = (int)weights.Dims[1];
        string biasName = add.Inputs[0] == matMul.Outputs[0] ? add.Inputs[1] : add.Inputs[1] == matMul.Outputs[0] ? add.Inputs[0] : string.Empty;
        if (!graph.Initializers.TryGetValue(biasName, out var bias) || bias.Floats is null || bias.Floats.Length != classes
            || !(bias.Dims is [_] || bias.Dims is [1, _]))
        {
            reason = "Add does not add a float [C] initializer to MatMul's output";
            return null;
        }

        bool lastAxis = softmax.Attributes.All(a => a.Name == "axis" && a.Int is 1 or -1);
        if (softmax.Inputs[0] != add.Outputs[0] || !lastAxis || softmax.Outputs[0] != graph.Outputs[0].Name)
        {
            reason = "Softmax is not over the last axis of Add's output into the graph's output";
            return null;
        }

        if (input.ElementType != FloatType || input.Dims.Length != 2 || input.Dims[1] is > 0 and var width && width != features)
        {
            reason = $"the input is not float [N, {features}]";
            return null;
        }

        return new LinearOnnxGraph(input.Name, graph.Outputs[0].Name, features, classes, weights.Floats, bias.Floats);
    }
}
