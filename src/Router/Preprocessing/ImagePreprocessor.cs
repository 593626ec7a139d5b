using System.Buffers.Binary;

namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// Turns the request's tensor into the members' input, once per request. FP32 [N,1,28,28] (already pixel/255, so in
/// [<see cref="MinValue"/>, <see cref="MaxValue"/>]) passes through. UINT8 images [N,H,W] or [N,H,W,C] (C = 1 gray, 3 RGB, 4 RGBA) of any reasonable size are converted to
/// grayscale, inverted when dark-on-light (the members learned light digits on a dark background), padded to a
/// square with background, resized to 28×28 and scaled to 0..1.
/// </summary>
public sealed class ImagePreprocessor
{
    public const int MinSide = 8;
    public const int MaxSide = 2048;

    /// <summary>A border brighter than this (0..255) means a light background: the image is inverted.</summary>
    public const float LightBackgroundThreshold = 127.5f;

    /// <summary>
    /// The range of FP32 input values: pixel/255, what the members were trained on and what the UINT8 path produces.
    /// A value outside it is a client error (e.g. pixels sent unscaled, or 3e38), not something to send to workers.
    /// </summary>
    public const float MinValue = 0f;

    public const float MaxValue = 1f;

    public PreprocessResult Preprocess(ImageTensor tensor, int maxBatchSize)
    {
        return tensor.Datatype switch
        {
            "FP32" => PassThrough(tensor, maxBatchSize),
            "UINT8" => FromImages(tensor, maxBatchSize),
            _ => Invalid(tensor, maxBatchSize, $"datatype {tensor.Datatype} is not accepted"),
        };
    }

    /// <summary>What is accepted, for every INVALID_ARGUMENT message.</summary>
    public static string Accepted(int maxBatchSize) =>
        $"accepted: FP32 [N,1,28,28] with values pixel/255 in [{MinValue}, {MaxValue}], or UINT8 images [N,H,W] or [N,H,W,C] with C = 1, 3 or 4 " +
        $"and {MinSide} <= H, W <= {MaxSide} (resized to 28×28, dark-on-light inverted); 1 <= N <= {maxBatchSize}";

    private static PreprocessResult Invalid(ImageTensor tensor, int maxBatchSize, string problem) =>
        PreprocessResult.Invalid($"input {(tensor.Name.Length > 0 ? $"'{tensor.Name}' " : "")}{tensor.Datatype} [{string.Join(",", tensor.Shape)}]: {problem}; {Accepted(maxBatchSize)}.");

    private static PreprocessResult PassThrough(ImageTensor tensor, int maxBatchSize)
    {
        var shape = tensor.Shape;
        if (shape.Count != 4 || shape[1] != 1 || shape[2] != ModelInput.Height || shape[3] != ModelInput.Width)
        {
            return Invalid(tensor, maxBatchSize, "an FP32 input must have shape [N,1,28,28]");
        }

        if (shape[0] < 1 || shape[0] > maxBatchSize)
        {
            return Invalid(tensor, maxBatchSize, $"batch size {shape[0]} is out of range 1..{maxBatchSize} (the ensemble's max batch size, no larger than any member model's max_batch_size)");
        }

        int batch = (int)shape[0];
        int count = batch * ModelInput.PixelsPerImage;
        var data = new float[count];
        if (tensor.Raw is { } raw)
        {
            if (raw.Length != count * sizeof(float))
            {
                return Invalid(tensor, maxBatchSize, $"raw contents hold {raw.Length} bytes, the shape needs {count * sizeof(float)}");
            }

            var span = raw.Span;
            for (int i = 0; i < count; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(span.Slice(i * sizeof(float)));
            }
        }
        else
        {
            var values = tensor.Fp32Contents;
            if (values is null || values.Count != count)
            {
                return Invalid(tensor, maxBatchSize, $"fp32_contents hold {values?.Count ?? 0} values, the shape needs {count}{OtherTypes(tensor, values?.Count ?? 0)}");
            }

            for (int i = 0; i < count; i++)
            {
                data[i] = values[i];
            }
        }

        for (int i = 0; i < data.Length; i++)
        {
            // Written so that NaN fails too.
            if (!(data[i] >= MinValue && data[i] <= MaxValue))
            {
                return Invalid(tensor, maxBatchSize, $"value {data[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at flat index {i} is outside [{MinValue}, {MaxValue}] (FP32 values are pixel/255)");
            }
        }

        return PreprocessResult.Ok(new ModelInput(data, batch), inverted: 0);
    }

    private static PreprocessResult FromImages(ImageTensor tensor, int maxBatchSize)
    {
        var shape = tensor.Shape;
        if (shape.Count is not (3 or 4))
        {
            return Invalid(tensor, maxBatchSize, "a UINT8 input must have shape [N,H,W] or [N,H,W,C]");
        }

        long channels = shape.Count == 4 ? shape[3] : 1;
        if (channels is not (1 or 3 or 4))
        {
            return Invalid(tensor, maxBatchSize, $"{channels} channels are not accepted");
        }

        if (shape[1] < MinSide || shape[1] > MaxSide || shape[2] < MinSide || shape[2] > MaxSide)
        {
            return Invalid(tensor, maxBatchSize, $"image size {shape[1]}×{shape[2]} is out of range");
        }

        if (shape[0] < 1 || shape[0] > maxBatchSize)
        {
            return Invalid(tensor, maxBatchSize, $"batch size {shape[0]} is out of range 1..{maxBatchSize} (the ensemble's max batch size, no larger than any member model's max_batch_size)");
        }

        int batch = (int)shape[0];
        int height = (int)shape[1];
        int width = (int)shape[2];
        int c = (int)channels;
        long needed = (long)batch * height * width * c;
        byte[] pixels;
        if (tensor.Raw is { } raw)
        {
            if (raw.Length != needed)
            {
                return Invalid(tensor, maxBatchSize, $"raw contents hold {raw.Length} bytes, the shape needs {needed}");
            }

            pixels = raw.ToArray();
        }
        else
        {
            string? error = TypedPixels(tensor, needed, out pixels);
            if (error is not null)
            {
                return Invalid(tensor, maxBatchSize, error);
            }
        }

        var data = new float[batch * ModelInput.PixelsPerImage];
        int inverted = 0;
        int imageBytes = height * width * c;
        for (int n = 0; n < batch; n++)
        {
            var gray = Grayscale(pixels.AsSpan(n * imageBytes, imageBytes), height, width, c);
            if (BorderMean(gray, height, width) > LightBackgroundThreshold)
            {
                for (int i = 0; i < gray.Length; i++)
                {
                    gray[i] = 255f - gray[i];
                }

                inverted++;
            }

            var square = PadToSquare(gray, height, width, out int side);
            var resized = Resampler.Resize(square, side, side, ModelInput.Height, ModelInput.Width);
            var target = data.AsSpan(n * ModelInput.PixelsPerImage, ModelInput.PixelsPerImage);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = Math.Clamp(resized[i] / 255f, 0f, 1f);
            }
        }

        return PreprocessResult.Ok(new ModelInput(data, batch), inverted);
    }

    /// <summary>UINT8 pixels from uint_contents (each 0..255) or bytes_contents (concatenated), else what is wrong.</summary>
    private static string? TypedPixels(ImageTensor tensor, long needed, out byte[] pixels)
    {
        pixels = [];
        if (tensor.BytesContents is { Count: > 0 } chunks)
        {
            long length = chunks.Sum(c => (long)c.Length);
            if (length != needed)
            {
                return $"bytes_contents hold {length} bytes, the shape needs {needed}";
            }

            pixels = new byte[needed];
            int offset = 0;
            foreach (var chunk in chunks)
            {
                chunk.Span.CopyTo(pixels.AsSpan(offset));
                offset += chunk.Length;
            }

            return null;
        }

        var values = tensor.UintContents;
        if (values is null || values.Count != needed)
        {
            return $"uint_contents hold {values?.Count ?? 0} values, the shape needs {needed}{OtherTypes(tensor, values?.Count ?? 0)}";
        }

        pixels = new byte[needed];
        for (int i = 0; i < pixels.Length; i++)
        {
            if (values[i] > byte.MaxValue)
            {
                return $"uint_contents value {values[i]} at flat index {i} does not fit UINT8 (0..255)";
            }

            pixels[i] = (byte)values[i];
        }

        return null;
    }

    /// <summary>A hint when the expected typed contents are empty but contents of another type were sent.</summary>
    private static string OtherTypes(ImageTensor tensor, int given) =>
        given == 0 && (tensor.OtherContents || tensor.Fp32Contents is { Count: > 0 } || tensor.UintContents is { Count: > 0 } || tensor.BytesContents is { Count: > 0 })
            ? " (contents of another type were given)"
            : "";

    /// <summary>
    /// Luma (ITU-R BT.601) for RGB; RGBA is composited over white first, because a transparent background is
    /// usually meant as paper, not ink.
    /// </summary>
    internal static float[] Grayscale(ReadOnlySpan<byte> image, int height, int width, int channels)
    {
        var gray = new float[height * width];
        for (int i = 0; i < gray.Length; i++)
        {
            var p = image.Slice(i * channels, channels);
            float value = channels == 1 ? p[0] : 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
            if (channels == 4)
            {
                float alpha = p[3] / 255f;
                value = value * alpha + 255f * (1 - alpha);
            }

            gray[i] = value;
        }

        return gray;
    }

    /// <summary>Mean brightness of the outer ring (about 1/14 of the side, at least one pixel): the background.</summary>
    internal static float BorderMean(float[] gray, int height, int width)
    {
        int ring = Math.Max(1, Math.Min(height, width) / 14);
        double sum = 0;
        long count = 0;
        for (int y = 0; y < height; y++)
        {
            bool edgeRow = y < ring || y >= height - ring;
            for (int x = 0; x < width; x++)
            {
                if (edgeRow || x < ring || x >= width - ring)
                {
                    sum += gray[y * width + x];
                    count++;
                }
            }
        }

        return (float)(sum / count);
    }

    /// <summary>Centres a non-square image on a dark square so that resizing keeps the digit's aspect ratio.</summary>
    private static float[] PadToSquare(float[] gray, int height, int width, out int side)
    {
        side = Math.Max(height, width);
        if (height == width)
        {
            return gray;
        }

        var square = new float[side * side];
        int top = (side - height) / 2;
        int left = (side - width) / 2;
        for (int y = 0; y < height; y++)
        {
            gray.AsSpan(y * width, width).CopyTo(square.AsSpan((top + y) * side + left, width));
        }

        return square;
    }
}
