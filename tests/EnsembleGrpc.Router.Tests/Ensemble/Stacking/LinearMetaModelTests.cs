using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.Router.Tests.Ensemble.Stacking;

/// <summary>
/// The linear stacker run without ONNX Runtime: the committed stackers are recognised and answer as ONNX Runtime does;
/// any other graph still runs on ONNX Runtime; a graph that only looks linear is not taken for one.
/// </summary>
public sealed class LinearMetaModelTests
{
    [Theory]
    [InlineData("mnist_stacker")]
    [InlineData("fashion_stacker")]
    public void A_committed_stacker_runs_in_managed_code_and_answers_as_onnx_runtime_does(string stacker)
    {
        string path = Path.Combine(RepoPaths.Models, stacker, "1", "model.onnx");
        using var loader = new OnnxMetaModelLoader();
        var model = loader.Load(path, "member_probabilities", "probabilities");
        Assert.IsType<LinearMetaModel>(model);

        const int rows = 64;
        var features = RandomMemberProbabilities(rows, members: 3, new Random(20261203));
        var expected = RunOnOnnxRuntime(path, features, rows);
        var actual = model.Run(features, rows, 30);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"element {i}: ONNX Runtime {expected[i]}, managed {actual[i]}");
        }
    }

    [Fact]
    public void A_graph_of_another_form_runs_on_onnx_runtime()
    {
        using var loader = new OnnxMetaModelLoader();
        var model = loader.Load(Path.Combine(RepoPaths.Models, "mnist_cnn_1", "1", "model.onnx"), "input", "probabilities");

        Assert.IsType<OnnxMetaModel>(model);
    }

    [Fact]
    public void A_row_of_the_wrong_width_fails_with_the_width_the_model_takes()
    {
        using var loader = new OnnxMetaModelLoader();
        var model = loader.Load(Path.Combine(RepoPaths.Models, "mnist_stacker", "1", "model.onnx"), "member_probabilities", "probabilities");

        var error = Assert.Throws<InvalidOperationException>(() => model.Run(new float[20], 1, 20));
        Assert.Contains("takes 30 values per row", error.Message, StringComparison.Ordinal);
        Assert.Contains("given 20", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_names_the_config_does_not_match_fail_the_load_naming_both()
    {
        using var loader = new OnnxMetaModelLoader();

        var error = Assert.Throws<InvalidOperationException>(() =>
            loader.Load(Path.Combine(RepoPaths.Models, "mnist_stacker", "1", "model.onnx"), "features", "probabilities"));
        Assert.Contains("inputs [member_probabilities]", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected input 'features'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_written_linear_graph_is_recognised_and_computes_softmax_of_x_w_plus_b()
    {
        var graph = LinearOnnxGraph.TryRead(OnnxModelBytes.Linear(new float[,] { { 1, 0, 2 }, { 0, 1, -1 } }, [0.5f, 0, 0]), out string reason);

        Assert.NotNull(graph);
        Assert.Empty(reason);
        var output = new LinearMetaModel(graph, "written").Run([1, 2, 0, 0], 2, 2);
        // Row 1: logits [1.5, 2, 0]; row 2: all zero but the bias [0.5, 0, 0].
        ExpectSoftmax([1.5f, 2, 0], output.AsSpan(0, 3));
        ExpectSoftmax([0.5f, 0, 0], output.AsSpan(3, 3));
    }

    [Theory]
    [InlineData(0, "Add", "Softmax")]
    [InlineData(-1, "Sub", "nodes")]
    public void A_graph_that_only_looks_linear_is_left_to_onnx_runtime(long axis, string addOp, string named)
    {
        var bytes = OnnxModelBytes.Linear(new float[,] { { 1, 0 }, { 0, 1 } }, [0, 0], axis, addOp);

        Assert.Null(LinearOnnxGraph.TryRead(bytes, out string reason));
        Assert.Contains(named, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bias_fed_by_an_input_instead_of_an_initializer_is_not_linear()
    {
        var bytes = OnnxModelBytes.Model(
            [new("MatMul", ["x", "W"], "z"), new("Add", ["z", "x"], "logits"), new("Softmax", ["logits"], "y", -1)],
            [("W", [2, 2], [1, 0, 0, 1])], input: ("x", 2), output: "y");

        Assert.Null(LinearOnnxGraph.TryRead(bytes, out string reason));
        Assert.Contains("Add does not add", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3_000_000_000L, 0L)]
    [InlineData(3_000_000_000L, 3_000_000_000L)]
    [InlineData(0L, 2L)]
    public void Weights_of_impossible_dimensions_are_not_linear_rather_than_an_overflow(long k, long c)
    {
        var bytes = OnnxModelBytes.Model(
            [new("MatMul", ["x", "W"], "z"), new("Add", ["z", "b"], "logits"), new("Softmax", ["logits"], "y", -1)],
            [("W", [k, c], []), ("b", [2], [0, 0])], input: ("x", 2), output: "y");

        Assert.Null(LinearOnnxGraph.TryRead(bytes, out string reason));
        Assert.Contains("MatMul does not multiply", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_file_is_not_linear_and_says_it_is_unreadable()
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Models, "mnist_stacker", "1", "model.onnx"));

        Assert.Null(LinearOnnxGraph.TryRead(bytes.AsSpan(0, bytes.Length / 2), out string reason));
        Assert.StartsWith("not readable as an ONNX model", reason, StringComparison.Ordinal);
    }

    private static void ExpectSoftmax(float[] logits, ReadOnlySpan<float> actual)
    {
        double sum = logits.Sum(l => Math.Exp(l));
        for (int c = 0; c < logits.Length; c++)
        {
            Assert.Equal(Math.Exp(logits[c]) / sum, actual[c], 6);
        }
    }

    private static float[] RandomMemberProbabilities(int rows, int members, Random random)
    {
        var features = new float[rows * members * 10];
        for (int block = 0; block < rows * members; block++)
        {
            var span = features.AsSpan(block * 10, 10);
            for (int c = 0; c < 10; c++)
            {
                span[c] = (float)Math.Pow(random.NextDouble(), 4);   // peaked rows, like a CNN's
            }

            float sum = 0;
            foreach (float v in span)
            {
                sum += v;
            }

            for (int c = 0; c < 10; c++)
            {
                span[c] /= sum;
            }
        }

        return features;
    }

    private static float[] RunOnOnnxRuntime(string path, float[] features, int rows)
    {
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, features.Length / rows]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["member_probabilities"], [input], ["probabilities"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
