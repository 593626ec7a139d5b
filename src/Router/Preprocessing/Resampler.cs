namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// Separable resize of a region of a grayscale image into a destination, with the weights of <see cref="AxisWeights"/>
/// (area when shrinking, bilinear when growing): rows first into the workspace's temporary buffer, then columns.
/// Allocates nothing once the workspace has grown to the largest image seen.
/// </summary>
public static class Resampler
{
    public static void Resize(ReadOnlySpan<float> source, int stride, InkBox region, Span<float> destination, int outHeight, int outWidth, NormalizerWorkspace ws)
    {
        ws.Columns.Compute(region.Width, outWidth);
        ws.Rows.Compute(region.Height, outHeight);
        var temp = ws.ResizeTemp(region.Height * outWidth);
        for (int y = 0; y < region.Height; y++)
        {
            var row = source.Slice((region.Y + y) * stride + region.X, region.Width);
            for (int x = 0; x < outWidth; x++)
            {
                var weights = ws.Columns.Weights(x);
                int start = ws.Columns.Start(x);
                float sum = 0;
                for (int k = 0; k < weights.Length; k++)
                {
                    sum += row[start + k] * weights[k];
                }

                temp[y * outWidth + x] = sum;
            }
        }

        var output = destination[..(outHeight * outWidth)];
        output.Clear();
        for (int y = 0; y < outHeight; y++)
        {
            var weights = ws.Rows.Weights(y);
            int start = ws.Rows.Start(y);
            var target = output.Slice(y * outWidth, outWidth);
            for (int k = 0; k < weights.Length; k++)
            {
                var from = temp.Slice((start + k) * outWidth, outWidth);
                float w = weights[k];
                for (int x = 0; x < outWidth; x++)
                {
                    target[x] += from[x] * w;
                }
            }
        }
    }
}
