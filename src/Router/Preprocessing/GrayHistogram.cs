namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// 256-bin statistics of a grayscale image (values 0..255, binned by rounding): the border's median (the background),
/// Otsu's threshold (ink versus background) and percentiles. Histograms make each of these one pass over the pixels
/// and no sorting, whatever the image size.
/// </summary>
public static class GrayHistogram
{
    public const int Bins = 256;

    public static int Bin(float value) => Math.Clamp((int)(value + 0.5f), 0, Bins - 1);

    /// <summary>Fills <paramref name="histogram"/> with the pixels' bins; returns their mean.</summary>
    public static float Build(ReadOnlySpan<float> gray, Span<int> histogram)
    {
        histogram.Clear();
        double sum = 0;
        foreach (float value in gray)
        {
            histogram[Bin(value)]++;
            sum += value;
        }

        return (float)(sum / Math.Max(1, gray.Length));
    }

    /// <summary>
    /// Median of the outer ring (about 1/14 of the shorter side, at least one pixel): the background. A median, not a
    /// mean, so that a stroke touching the border or a few noisy pixels do not move it.
    /// </summary>
    public static int BorderMedian(ReadOnlySpan<float> gray, int height, int width, Span<int> histogram)
    {
        histogram.Clear();
        int ring = Math.Max(1, Math.Min(height, width) / 14);
        int count = 0;
        for (int y = 0; y < height; y++)
        {
            var row = gray.Slice(y * width, width);
            bool edgeRow = y < ring || y >= height - ring;
            for (int x = 0; x < width; x++)
            {
                if (edgeRow || x < ring || x >= width - ring)
                {
                    histogram[Bin(row[x])]++;
                    count++;
                }
            }
        }

        return Quantile(histogram, 0, 0.5);
    }

    /// <summary>The smallest bin at or above <paramref name="from"/> where the cumulative count reaches the fraction.</summary>
    public static int Quantile(ReadOnlySpan<int> histogram, int from, double fraction)
    {
        long total = 0;
        for (int b = from; b < Bins; b++)
        {
            total += histogram[b];
        }

        long cumulative = 0;
        for (int b = from; b < Bins; b++)
        {
            cumulative += histogram[b];
            if (total > 0 && cumulative >= fraction * total)
            {
                return b;
            }
        }

        return Bins - 1;
    }

    /// <summary>Otsu's threshold: ink is every bin above it. Maximises the between-class variance; the first maximum wins.</summary>
    public static int Otsu(ReadOnlySpan<int> histogram)
    {
        long total = 0;
        double sumAll = 0;
        for (int b = 0; b < Bins; b++)
        {
            total += histogram[b];
            sumAll += (double)b * histogram[b];
        }

        long below = 0;
        double sumBelow = 0;
        double best = -1;
        int threshold = 0;
        for (int t = 0; t < Bins - 1; t++)
        {
            below += histogram[t];
            sumBelow += (double)t * histogram[t];
            long above = total - below;
            if (below == 0 || above == 0)
            {
                continue;
            }

            double meanBelow = sumBelow / below;
            double meanAbove = (sumAll - sumBelow) / above;
            double between = (double)below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                threshold = t;
            }
        }

        return threshold;
    }
}
