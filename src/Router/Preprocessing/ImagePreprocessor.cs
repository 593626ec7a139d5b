using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// Turns the request's tensor into the members' input, once per request. FP32 [N,1,28,28] (already pixel/255, so in
/// [<see cref="MinValue"/>, <see cref="MaxValue"/>]) passes through exactly as sent. UINT8 images [N,H,W] or [N,H,W,C]
/// (C = 1 gray, 3 RGB, 4 RGBA) of any reasonable size are normalised the way MNIST was made
/// (<see cref="DigitNormalizer"/>; steps can be skipped per request) and scaled to 0..1.
/// </summary>
public sealed class ImagePreprocessor
{
    public const int MinSide = 8;
    public const int MaxSide = 2048;

    /// <summary>
    /// The range of FP32 input values: pixel/255, what the members were trained on and what the UINT8 path produces.
    /// A value outside it is a client error (e.g. pixels sent unscaled, or 3e38), not something to send to workers.
    /// </summary>
    public const float MinValue = 0f;

    public const float MaxValue = 1f;

    /// <param name="steps">The normalisation steps for UINT8 images (FP32 input is never changed).</param>
    public PreprocessResult Preprocess(ImageTensor tensor, int maxBatchSize, PreprocessSteps steps = PreprocessSteps.All)
    {
        return tensor.Datatype switch
        {
            "FP32" => PassThrough(tensor, maxBatchSize),
            "UINT8" => FromImages(tensor, maxBatchSize, steps),
            _ => Invalid(tensor, maxBatchSize, $"datatype {tensor.Datatype} is not accepted"),
        };
    }

    /// <summary>What is accepted, for every INVALID_ARGUMENT message.</summary>
    public static string Accepted(int maxBatchSize) =>
        $"accepted: FP32 [N,1,28,28] with values pixel/255 in [{MinValue}, {MaxValue}], or UINT8 images [N,H,W] or [N,H,W,C] with C = 1, 3 or 4 " +
        $"and {MinSide} <= H, W <= {MaxSide} (normalised as MNIST: inverted when dark-on-light, ink box fit to 20×20, centred by mass in 28×28); 1 <= N <= {maxBatchSize}";

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
        // Every element is written below (or the result is discarded): no need to zero it first.
        var data = GC.AllocateUninitializedArray<float>(count);
        if (tensor.Raw is { } raw)
        {
            if (raw.Length != count * sizeof(float))
            {
                return Invalid(tensor, maxBatchSize, $"raw contents hold {raw.Length} bytes, the shape needs {count * sizeof(float)}");
            }

            // Raw contents are little-endian, as the machines the router runs on (GrpcWorkerClient reads answers so too).
            MemoryMarshal.Cast<byte, float>(raw.Span).CopyTo(data);
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

        if (FirstOutOfRange(data) is { } bad)
        {
            return Invalid(tensor, maxBatchSize, $"value {data[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)} at flat index {bad} is outside [{MinValue}, {MaxValue}] (FP32 values are pixel/255)");
        }

        return PreprocessResult.Ok(new ModelInput(data, batch), inverted: 0);
    }

    /// <summary>The index of the first value outside [0, 1] or NaN; null when there is none. Eight values at a time.</summary>
    private static int? FirstOutOfRange(float[] data)
    {
        var min = Vector256.Create(MinValue);
        var max = Vector256.Create(MaxValue);
        int i = 0;
        // A NaN lane compares false both ways, so it fails the check like an out-of-range value.
        for (; i <= data.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.Create<float>(data.AsSpan(i));
            if (!Vector256.GreaterThanOrEqualAll(v, min) || !Vector256.LessThanOrEqualAll(v, max))
            {
                break;
            }
        }

        for (; i < data.Length; i++)
        {
            if (!(data[i] >= MinValue && data[i] <= MaxValue))
            {
                return i;
            }
        }

        return null;
    }

    private static PreprocessResult FromImages(ImageTensor tensor, int maxBatchSize, PreprocessSteps steps)
    {
        var shape = tensor.Shape;
        string? shapeError = ImageShapeError(shape, maxBatchSize);
        if (shapeError is not null)
        {
            return Invalid(tensor, maxBatchSize, shapeError);
        }

        int batch = (int)shape[0];
        int height = (int)shape[1];
        int width = (int)shape[2];
        int c = shape.Count == 4 ? (int)shape[3] : 1;
        long needed = (long)batch * height * width * c;
        if (needed > Array.MaxLength)
        {
            return Invalid(tensor, maxBatchSize, $"{needed} pixel bytes are more than one request can hold");
        }

        // Raw contents are read in place; typed contents are gathered into a pooled buffer.
        byte[]? rented = null;
        ReadOnlySpan<byte> pixels;
        if (tensor.Raw is { } raw)
        {
            if (raw.Length != needed)
            {
                return Invalid(tensor, maxBatchSize, $"raw contents hold {raw.Length} bytes, the shape needs {needed}");
            }

            pixels = raw.Span;
        }
        else
        {
            string? error = TypedPixels(tensor, (int)needed, out rented);
            if (error is not null)
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }

                return Invalid(tensor, maxBatchSize, error);
            }

            pixels = rented.AsSpan(0, (int)needed);
        }

        try
        {
            return Normalize(pixels, batch, height, width, c, steps);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>What is wrong with a UINT8 shape, or null.</summary>
    private static string? ImageShapeError(IReadOnlyList<long> shape, int maxBatchSize)
    {
        if (shape.Count is not (3 or 4))
        {
            return "a UINT8 input must have shape [N,H,W] or [N,H,W,C]";
        }

        long channels = shape.Count == 4 ? shape[3] : 1;
        if (channels is not (1 or 3 or 4))
        {
            return $"{channels} channels are not accepted";
        }

        if (shape[1] < MinSide || shape[1] > MaxSide || shape[2] < MinSide || shape[2] > MaxSide)
        {
            return $"image size {shape[1]}×{shape[2]} is out of range";
        }

        return shape[0] < 1 || shape[0] > maxBatchSize
            ? $"batch size {shape[0]} is out of range 1..{maxBatchSize} (the ensemble's max batch size, no larger than any member model's max_batch_size)"
            : null;
    }

    private static PreprocessResult Normalize(ReadOnlySpan<byte> pixels, int batch, int height, int width, int c, PreprocessSteps steps)
    {
        var data = new float[batch * ModelInput.PixelsPerImage];
        int inverted = 0;
        int imageBytes = height * width * c;
        var ws = NormalizerWorkspace.ForThread;
        for (int n = 0; n < batch; n++)
        {
            var image = pixels.Slice(n * imageBytes, imageBytes);
            var target = data.AsSpan(n * ModelInput.PixelsPerImage, ModelInput.PixelsPerImage);
            inverted += DigitNormalizer.Normalize(image, height, width, c, steps, ws, target) ? 1 : 0;
        }

        ws.Trim();

        return PreprocessResult.Ok(new ModelInput(data, batch), inverted);
    }

    /// <summary>
    /// UINT8 pixels from uint_contents (each 0..255) or bytes_contents (concatenated) in a buffer rented from the shared
    /// pool (the caller returns it; it may be longer than the pixels), else what is wrong. Counts are checked before
    /// renting.
    /// </summary>
    private static string? TypedPixels(ImageTensor tensor, int needed, out byte[]? rented)
    {
        rented = null;
        if (tensor.BytesContents is { Count: > 0 } chunks)
        {
            long length = chunks.Sum(c => (long)c.Length);
            if (length != needed)
            {
                return $"bytes_contents hold {length} bytes, the shape needs {needed}";
            }

            rented = ArrayPool<byte>.Shared.Rent(needed);
            int offset = 0;
            foreach (var chunk in chunks)
            {
                chunk.Span.CopyTo(rented.AsSpan(offset));
                offset += chunk.Length;
            }

            return null;
        }

        var values = tensor.UintContents;
        if (values is null || values.Count != needed)
        {
            return $"uint_contents hold {values?.Count ?? 0} values, the shape needs {needed}{OtherTypes(tensor, values?.Count ?? 0)}";
        }

        rented = ArrayPool<byte>.Shared.Rent(needed);
        for (int i = 0; i < needed; i++)
        {
            if (values[i] > byte.MaxValue)
            {
                return $"uint_contents value {values[i]} at flat index {i} does not fit UINT8 (0..255)";
            }

            rented[i] = (byte)values[i];
        }

        return null;
    }

    /// <summary>A hint when the expected typed contents are empty but contents of another type were sent.</summary>
    private static string OtherTypes(ImageTensor tensor, int given) =>
        given == 0 && (tensor.OtherContents || tensor.Fp32Contents is { Count: > 0 } || tensor.UintContents is { Count: > 0 } || tensor.BytesContents is { Count: > 0 })
            ? " (contents of another type were given)"
            : "";
}
