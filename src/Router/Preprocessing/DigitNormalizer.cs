namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// Normalises one UINT8 image the way MNIST itself was made, so that what users draw, photograph or scan looks like
/// what the members learned: grayscale; background from the border and inversion of dark-on-light; contrast stretch;
/// the ink found by Otsu's threshold with specks dropped; its bounding box scaled to fit 20×20 keeping the aspect
/// ratio (area resampling: antialiased); placed in 28×28 by its centre of mass. Each step but grayscale and scaling
/// can be skipped (<see cref="PreprocessSteps"/>). tools/train/normalize.py is the same algorithm in numpy: the
/// members are trained on its output, so a change here must be made there too.
/// </summary>
public static class DigitNormalizer
{
    /// <summary>The side of the box the ink is scaled to fit, as in MNIST.</summary>
    public const int BoxSide = 20;

    /// <summary>Where the centre of mass lands, in pixel indices (MNIST's test digits average 14.0 on both axes).</summary>
    public const float Centre = 14f;

    /// <summary>Ink less than this many levels (of 255) from the background is no ink: the image is blank.</summary>
    public const int MinInkContrast = 8;

    /// <summary>The ink level the stretch maps to 255: this quantile of the pixels above Otsu's threshold.</summary>
    public const double InkQuantile = 0.9;

    /// <summary>Writes the 28×28 model input (pixel/255) into <paramref name="target"/>; returns whether it inverted.</summary>
    public static bool Normalize(ReadOnlySpan<byte> image, int height, int width, int channels, PreprocessSteps steps, NormalizerWorkspace ws, Span<float> target)
    {
        int pixels = height * width;
        ws.EnsureImage(pixels);
        var gray = ws.Gray.AsSpan(0, pixels);
        Grayscale(image, channels, gray);
        int background = GrayHistogram.BorderMedian(gray, height, width, ws.Histogram);
        float mean = GrayHistogram.Build(gray, ws.Histogram);
        bool inverted = steps.HasFlag(PreprocessSteps.Invert) && IsDarkOnLight(mean, background);
        if (inverted)
        {
            for (int i = 0; i < gray.Length; i++)
            {
                gray[i] = 255f - gray[i];
            }

            background = 255 - background;
            GrayHistogram.Build(gray, ws.Histogram);
        }

        if (steps.HasFlag(PreprocessSteps.Contrast) && !Stretch(gray, background, ws.Histogram))
        {
            // No ink: a blank page stays blank instead of amplifying its noise into strokes.
            target.Clear();
            return inverted;
        }

        var (contentHeight, contentWidth) = Content(gray, height, width, steps, ws);
        if (steps.HasFlag(PreprocessSteps.Contrast))
        {
            StretchPeak(ws.Content.AsSpan(0, contentHeight * contentWidth));
        }

        Place(ws.Content, contentHeight, contentWidth, steps.HasFlag(PreprocessSteps.Center), target);
        return inverted;
    }

    /// <summary>
    /// Dark ink on light paper pulls the mean below the border's median (the background); light ink pulls it above.
    /// A uniform image counts as paper when it is light.
    /// </summary>
    public static bool IsDarkOnLight(float mean, int background) =>
        mean < background - 0.5f || (Math.Abs(mean - background) <= 0.5f && background > 127.5f);

    /// <summary>
    /// Luma (ITU-R BT.601) for RGB; RGBA is composited over white first, because a transparent background is
    /// usually meant as paper, not ink.
    /// </summary>
    public static void Grayscale(ReadOnlySpan<byte> image, int channels, Span<float> gray)
    {
        if (channels == 1)
        {
            for (int i = 0; i < gray.Length; i++)
            {
                gray[i] = image[i];
            }

            return;
        }

        for (int i = 0; i < gray.Length; i++)
        {
            var p = image.Slice(i * channels, channels);
            float value = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
            if (channels == 4)
            {
                float alpha = p[3] / 255f;
                value = value * alpha + 255f * (1 - alpha);
            }

            gray[i] = value;
        }
    }

    /// <summary>
    /// Maps the background to 0 and the ink level (a high quantile of the pixels above Otsu's threshold) to 255, so
    /// faint and low-contrast strokes look like MNIST's; leaves the histogram describing the stretched image. False when
    /// there is no ink.
    /// </summary>
    private static bool Stretch(Span<float> gray, int background, int[] histogram)
    {
        int ink = GrayHistogram.Quantile(histogram, GrayHistogram.Otsu(histogram) + 1, InkQuantile);
        if (ink - background < MinInkContrast)
        {
            return false;
        }

        float gain = 255f / (ink - background);
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = Math.Clamp((gray[i] - background) * gain, 0f, 255f);
        }

        GrayHistogram.Build(gray, histogram);
        return true;
    }

    /// <summary>
    /// Resamples the ink into <see cref="NormalizerWorkspace.Content"/>: its box scaled to fit 20×20, or (box step off,
    /// or no ink) the whole image padded to a square and resized to 28×28. Returns the content's size.
    /// </summary>
    private static (int Height, int Width) Content(Span<float> gray, int height, int width, PreprocessSteps steps, NormalizerWorkspace ws)
    {
        var box = default(InkBox);
        bool denoise = steps.HasFlag(PreprocessSteps.Denoise);
        if (denoise || steps.HasFlag(PreprocessSteps.Box))
        {
            box = InkComponents.Find(gray, height, width, GrayHistogram.Otsu(ws.Histogram), dropSpecks: denoise, ws);
            if (denoise && !box.IsEmpty)
            {
                InkComponents.ClearAwayFromInk(gray, height, width, ws);
            }
        }

        if (steps.HasFlag(PreprocessSteps.Box) && !box.IsEmpty)
        {
            double scale = (double)BoxSide / Math.Max(box.Width, box.Height);
            int outWidth = Math.Clamp((int)Math.Floor(box.Width * scale + 0.5), 1, BoxSide);
            int outHeight = Math.Clamp((int)Math.Floor(box.Height * scale + 0.5), 1, BoxSide);
            Resampler.Resize(gray, width, box, ws.Content, outHeight, outWidth, ws);
            return (outHeight, outWidth);
        }

        int side = Math.Max(height, width);
        ReadOnlySpan<float> square = gray;
        if (height != width)
        {
            // Centred on a dark square, so that resizing keeps the digit's aspect ratio.
            var padded = ws.EnsureSquare(side * side).AsSpan(0, side * side);
            padded.Clear();
            int top = (side - height) / 2, left = (side - width) / 2;
            for (int y = 0; y < height; y++)
            {
                gray.Slice(y * width, width).CopyTo(padded.Slice((top + y) * side + left, width));
            }

            square = padded;
        }

        Resampler.Resize(square, side, new InkBox(0, 0, side, side), ws.Content, ModelInput.Height, ModelInput.Width, ws);
        return (ModelInput.Height, ModelInput.Width);
    }

    /// <summary>Brings the resampled ink's peak to 255: a thin stroke shrunk from a large image would otherwise be faint.</summary>
    private static void StretchPeak(Span<float> content)
    {
        float peak = 0;
        foreach (float v in content)
        {
            peak = Math.Max(peak, v);
        }

        if (peak > 0 && peak < 255f)
        {
            float gain = 255f / peak;
            for (int i = 0; i < content.Length; i++)
            {
                content[i] = content[i] == peak ? 255f : Math.Min(255f, content[i] * gain);
            }
        }
    }

    /// <summary>
    /// Places the content in 28×28, its centre of mass at (<see cref="Centre"/>, <see cref="Centre"/>) rounded to whole
    /// pixels as MNIST did (else centred geometrically), as near as the content fits inside. Scales to pixel/255.
    /// </summary>
    private static void Place(float[] content, int height, int width, bool byMass, Span<float> target)
    {
        int top = (ModelInput.Height - height) / 2, left = (ModelInput.Width - width) / 2;
        if (byMass)
        {
            double sum = 0, sumY = 0, sumX = 0;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    float v = content[y * width + x];
                    (sum, sumY, sumX) = (sum + v, sumY + (double)v * y, sumX + (double)v * x);
                }
            }

            if (sum > 0)
            {
                // Kept inside the field: a top-heavy "7" drawn with a thin pen would otherwise lose its foot.
                top = Math.Clamp((int)Math.Floor(Centre - sumY / sum + 0.5), 0, ModelInput.Height - height);
                left = Math.Clamp((int)Math.Floor(Centre - sumX / sum + 0.5), 0, ModelInput.Width - width);
            }
        }

        target.Clear();
        for (int y = Math.Max(0, -top); y < Math.Min(height, ModelInput.Height - top); y++)
        {
            for (int x = Math.Max(0, -left); x < Math.Min(width, ModelInput.Width - left); x++)
            {
                target[(top + y) * ModelInput.Width + left + x] = Math.Clamp(content[y * width + x] / 255f, 0f, 1f);
            }
        }
    }
}
