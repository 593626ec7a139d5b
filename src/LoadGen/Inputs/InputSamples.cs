using System.Runtime.InteropServices;
using EnsembleGrpc.Datasets;

namespace EnsembleGrpc.LoadGen.Inputs;

/// <summary>Builds the prepared batches a run cycles through: from the data set (pixel / 255) or random.</summary>
public static class InputSamples
{
    /// <summary>Batches of consecutive images of the data set as [batch, 1, rows, cols] FP32, at most <paramref name="maxBatches"/>.</summary>
    public static IReadOnlyList<InputSample> FromDataset(EgdsDataset dataset, int batchSize, int maxBatches = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var imageSize = dataset.Rows * dataset.Cols;
        var batches = Math.Max(1, Math.Min(maxBatches, dataset.Count / batchSize));
        var samples = new List<InputSample>(batches);
        for (var b = 0; b < batches; b++)
        {
            var floats = new float[batchSize * imageSize];
            var labels = new int[batchSize];
            for (var r = 0; r < batchSize; r++)
            {
                var image = ((b * batchSize) + r) % dataset.Count;
                var pixels = dataset.Pixels.AsSpan(image * imageSize, imageSize);
                for (var p = 0; p < imageSize; p++)
                {
                    floats[(r * imageSize) + p] = pixels[p] / 255f;
                }

                labels[r] = dataset.Labels[image];
            }

            samples.Add(new InputSample([batchSize, 1, dataset.Rows, dataset.Cols], ToBytes(floats), labels));
        }

        return samples;
    }

    /// <summary>Uniform random tensors in [0, 1) of shape [batch, ..shape], seeded.</summary>
    public static IReadOnlyList<InputSample> Random(int batchSize, IReadOnlyList<long> shape, int seed, int count = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var random = new Random(seed);
        long rowSize = 1;
        foreach (var dim in shape)
        {
            rowSize *= dim;
        }

        var fullShape = new long[shape.Count + 1];
        fullShape[0] = batchSize;
        for (var i = 0; i < shape.Count; i++)
        {
            fullShape[i + 1] = shape[i];
        }

        var samples = new List<InputSample>(count);
        for (var s = 0; s < count; s++)
        {
            var floats = new float[batchSize * rowSize];
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = random.NextSingle();
            }

            samples.Add(new InputSample(fullShape, ToBytes(floats), null));
        }

        return samples;
    }

    private static byte[] ToBytes(float[] floats)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("raw tensor contents are little-endian");
        }

        return MemoryMarshal.AsBytes(floats.AsSpan()).ToArray();
    }
}
