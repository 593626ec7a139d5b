namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// Separable resize of a grayscale image: area averaging along an axis that shrinks (every source pixel counts, so
/// thin strokes survive), bilinear along an axis that grows. Weights are computed per axis, then applied to rows and
/// columns.
/// </summary>
public static class Resampler
{
    public static float[] Resize(ReadOnlySpan<float> source, int height, int width, int outHeight, int outWidth)
    {
        if (height == outHeight && width == outWidth)
        {
            return source.ToArray();
        }

        var columns = Weights(width, outWidth);
        var rows = Weights(height, outHeight);
        // Horizontal pass: height × outWidth.
        var temp = new float[height * outWidth];
        for (int y = 0; y < height; y++)
        {
            var row = source.Slice(y * width, width);
            for (int x = 0; x < outWidth; x++)
            {
                float sum = 0;
                foreach (var (index, weight) in columns[x])
                {
                    sum += row[index] * weight;
                }

                temp[y * outWidth + x] = sum;
            }
        }

        // Vertical pass: outHeight × outWidth.
        var result = new float[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
        {
            foreach (var (index, weight) in rows[y])
            {
                for (int x = 0; x < outWidth; x++)
                {
                    result[y * outWidth + x] += temp[index * outWidth + x] * weight;
                }
            }
        }

        return result;
    }

    /// <summary>For every output index, the source indices and weights (summing to 1) that make it.</summary>
    internal static (int Index, float Weight)[][] Weights(int size, int outSize)
    {
        var weights = new (int, float)[outSize][];
        double scale = (double)size / outSize;
        for (int o = 0; o < outSize; o++)
        {
            if (scale >= 1)
            {
                // Area: the source interval [o·s, (o+1)·s) with fractional coverage at both ends.
                double start = o * scale;
                double end = (o + 1) * scale;
                var taps = new List<(int, float)>();
                for (int i = (int)Math.Floor(start); i < Math.Min(size, (int)Math.Ceiling(end)); i++)
                {
                    double overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                    if (overlap > 1e-9)
                    {
                        taps.Add((i, (float)(overlap / scale)));
                    }
                }

                weights[o] = [.. taps];
            }
            else
            {
                // Bilinear with pixel centres aligned (as OpenCV/PIL), clamped at the edges.
                double x = Math.Clamp((o + 0.5) * scale - 0.5, 0, size - 1);
                int i0 = (int)Math.Floor(x);
                int i1 = Math.Min(i0 + 1, size - 1);
                float f = (float)(x - i0);
                weights[o] = i0 == i1 ? [(i0, 1f)] : [(i0, 1 - f), (i1, f)];
            }
        }

        return weights;
    }
}
