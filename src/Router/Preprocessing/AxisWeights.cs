namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// Resampling weights along one axis, in reusable buffers: for every output index, the first source index and the
/// weights (summing to 1) of the consecutive source pixels that make it. Area averaging when the axis shrinks (every
/// source pixel counts: the antialiasing MNIST's own downscaling had, and thin strokes survive), bilinear with pixel
/// centres aligned (as OpenCV and PIL) when it grows.
/// </summary>
public sealed class AxisWeights
{
    private int[] _start = new int[32];
    private int[] _count = new int[32];
    private float[] _weights = new float[64];

    /// <summary>Weights per output index in <see cref="Weights(int)"/>.</summary>
    public int Stride { get; private set; }

    public int Start(int output) => _start[output];

    public ReadOnlySpan<float> Weights(int output) => _weights.AsSpan(output * Stride, _count[output]);

    public void Compute(int size, int outSize)
    {
        double scale = (double)size / outSize;
        Stride = scale >= 1 ? (int)Math.Ceiling(scale) + 1 : 2;
        Grow(ref _start, outSize);
        Grow(ref _count, outSize);
        Grow(ref _weights, outSize * Stride);
        for (int o = 0; o < outSize; o++)
        {
            var taps = _weights.AsSpan(o * Stride, Stride);
            if (scale >= 1)
            {
                // The source interval [o·s, (o+1)·s), with fractional coverage at both ends.
                double start = o * scale, end = (o + 1) * scale;
                int first = (int)Math.Floor(start);
                int n = 0;
                for (int i = first; i < Math.Min(size, (int)Math.Ceiling(end)); i++)
                {
                    double overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                    taps[n++] = overlap > 1e-9 ? (float)(overlap / scale) : 0f;
                }

                (_start[o], _count[o]) = (first, n);
            }
            else
            {
                double x = Math.Clamp((o + 0.5) * scale - 0.5, 0, size - 1);
                int i0 = (int)Math.Floor(x);
                float f = (float)(x - i0);
                (taps[0], taps[1]) = (1 - f, f);
                (_start[o], _count[o]) = (i0, i0 + 1 < size ? 2 : 1);
            }
        }
    }

    private static void Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }
    }
}
