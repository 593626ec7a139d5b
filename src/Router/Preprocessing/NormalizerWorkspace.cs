namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// The buffers one normalisation needs, grown to the largest image seen and reused: preprocessing runs on every
/// request (the hot path), so steady traffic allocates nothing here. One per thread (<see cref="ForThread"/>):
/// preprocessing is synchronous, so a request never leaves its thread while it holds the workspace.
/// </summary>
public sealed class NormalizerWorkspace
{
    [ThreadStatic]
    private static NormalizerWorkspace? t_current;

    /// <summary>
    /// Buffers for images up to this many pixels are kept between requests; larger ones (up to 2048×2048, about 70 MB
    /// of buffers) are dropped after the request by <see cref="Trim"/>, so that every pool thread does not keep them.
    /// </summary>
    public const int RetainedPixels = 512 * 512;

    private float[] _temp = new float[28 * 28];

    public static NormalizerWorkspace ForThread => t_current ??= new NormalizerWorkspace();

    /// <summary>The image being normalised, 0..255 (gray, then inverted, stretched, cleared).</summary>
    public float[] Gray { get; private set; } = new float[28 * 28];

    /// <summary>Per pixel: 0 background, else the 1-based component index (-1 while labelling).</summary>
    public int[] Labels { get; private set; } = new int[28 * 28];

    /// <summary>Flood-fill stack: every pixel is pushed at most once.</summary>
    public int[] Stack { get; private set; } = new int[28 * 28];

    /// <summary>Per pixel: 1 when a kept component's pixel or its neighbour.</summary>
    public byte[] Near { get; private set; } = new byte[28 * 28];

    /// <summary>A non-square image padded to a square (when the box step is off).</summary>
    public float[] Square { get; private set; } = new float[28 * 28];

    public List<InkComponent> Components { get; } = new(16);

    public int[] Histogram { get; } = new int[GrayHistogram.Bins];

    /// <summary>The resized ink before it is placed in 28×28 (at most 28×28).</summary>
    public float[] Content { get; } = new float[ModelInput.PixelsPerImage];

    public AxisWeights Columns { get; } = new();

    public AxisWeights Rows { get; } = new();

    /// <summary>Makes every per-pixel buffer hold at least <paramref name="pixels"/> values.</summary>
    public void EnsureImage(int pixels)
    {
        if (Gray.Length < pixels)
        {
            Gray = new float[pixels];
            Labels = new int[pixels];
            Stack = new int[pixels];
            Near = new byte[pixels];
        }
    }

    public float[] EnsureSquare(int pixels)
    {
        if (Square.Length < pixels)
        {
            Square = new float[pixels];
        }

        return Square;
    }

    /// <summary>Drops buffers grown past <see cref="RetainedPixels"/>; they are made again when needed.</summary>
    public void Trim()
    {
        if (Gray.Length > RetainedPixels)
        {
            Gray = new float[28 * 28];
            Labels = new int[28 * 28];
            Stack = new int[28 * 28];
            Near = new byte[28 * 28];
        }

        if (Square.Length > RetainedPixels)
        {
            Square = new float[28 * 28];
        }

        if (_temp.Length > RetainedPixels)
        {
            _temp = new float[28 * 28];
        }
    }

    /// <summary>The resampler's intermediate buffer, at least <paramref name="length"/> long.</summary>
    public Span<float> ResizeTemp(int length)
    {
        if (_temp.Length < length)
        {
            _temp = new float[length];
        }

        return _temp.AsSpan(0, length);
    }
}
