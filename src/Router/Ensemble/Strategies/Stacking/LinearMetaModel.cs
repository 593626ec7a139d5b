namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// A linear stacker (<see cref="LinearOnnxGraph"/>) run in managed code: per row, the logits x·W, plus b, then a softmax
/// that subtracts the row's largest logit first, as ONNX Runtime's does. Sums run over K in order, in float; the
/// results match ONNX Runtime's to about 1e-6 (tests/…/Stacking/LinearMetaModelTests).
/// </summary>
internal sealed class LinearMetaModel(LinearOnnxGraph graph, string modelPath) : IMetaModel
{
    public string ModelPath { get; } = modelPath;

    public float[] Run(float[] memberProbabilities, int batchSize, int inputWidth)
    {
        if (inputWidth != graph.Features)
        {
            throw new InvalidOperationException($"the meta-model takes {graph.Features} values per row ([N, {graph.Features}]); it was given {inputWidth}");
        }

        int classes = graph.Classes;
        var output = new float[batchSize * classes];
        for (int r = 0; r < batchSize; r++)
        {
            var row = output.AsSpan(r * classes, classes);
            var x = memberProbabilities.AsSpan(r * inputWidth, inputWidth);
            for (int k = 0; k < x.Length; k++)
            {
                float xk = x[k];
                var weights = graph.Weights.AsSpan(k * classes, classes);
                for (int c = 0; c < row.Length; c++)
                {
                    row[c] += xk * weights[c];
                }
            }

            // The bias after the products, as the graph's Add follows its MatMul.
            for (int c = 0; c < row.Length; c++)
            {
                row[c] += graph.Bias[c];
            }

            Softmax(row);
        }

        return output;
    }

    private static void Softmax(Span<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (float v in row)
        {
            max = MathF.Max(max, v);
        }

        float sum = 0;
        for (int c = 0; c < row.Length; c++)
        {
            row[c] = MathF.Exp(row[c] - max);
            sum += row[c];
        }

        for (int c = 0; c < row.Length; c++)
        {
            row[c] /= sum;
        }
    }
}
