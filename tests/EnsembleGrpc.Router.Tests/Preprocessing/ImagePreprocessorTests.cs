using System.Runtime.InteropServices;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Tests.Preprocessing;

public sealed class ImagePreprocessorTests
{
    private readonly ImagePreprocessor _preprocessor = new();

    [Fact]
    public void Fp32_passes_through()
    {
        var data = Digit().Select(p => p / 255f).ToArray();

        var result = _preprocessor.Preprocess(Raw("FP32", [1, 1, 28, 28], MemoryMarshal.AsBytes(data.AsSpan()).ToArray()), 8);

        Assert.Equal(data, result.Input!.Values.ToArray());
    }

    [Fact]
    public void With_every_step_skipped_a_light_on_dark_28x28_image_is_only_scaled()
    {
        var digit = Digit();

        var result = _preprocessor.Preprocess(Raw("UINT8", [1, 28, 28], digit), 8, PreprocessSteps.None);

        Assert.Equal(0, result.Inverted);
        Assert.Equal(digit.Select(p => p / 255f), result.Input!.Values.ToArray());
    }

    [Fact]
    public void Dark_on_light_is_detected_and_inverted()
    {
        var digit = Digit();
        var inverted = digit.Select(p => (byte)(255 - p)).ToArray();

        var result = _preprocessor.Preprocess(Raw("UINT8", [1, 28, 28], inverted), 8, PreprocessSteps.Invert);

        Assert.Equal(1, result.Inverted);
        AssertClose(digit, result.Input!.Values.ToArray(), 1e-6f);
    }

    [Fact]
    public void Without_the_box_step_a_56x56_image_is_resized_back_to_the_digit()
    {
        var digit = Digit();
        var big = new byte[56 * 56];
        for (int y = 0; y < 56; y++)
        {
            for (int x = 0; x < 56; x++)
            {
                big[y * 56 + x] = digit[(y / 2) * 28 + x / 2];
            }
        }

        var result = _preprocessor.Preprocess(Raw("UINT8", [1, 56, 56], big), 8, PreprocessSteps.None);

        AssertClose(digit, result.Input!.Values.ToArray(), 1e-5f);
    }

    [Fact]
    public void Without_the_box_step_a_14x14_image_is_upscaled_bilinearly()
    {
        var small = new byte[14 * 14];
        small[7 * 14 + 7] = 255;

        var result = _preprocessor.Preprocess(Raw("UINT8", [1, 14, 14], small), 8, PreprocessSteps.None);

        var data = result.Input!.Values.ToArray();
        Assert.True(data.Max() is > 0.2f and <= 1f);
        Assert.Equal(0f, data[0]);
        // The bright spot lands where it was, scaled: around (14..15, 14..15) of 28×28.
        Assert.InRange(Array.IndexOf(data, data.Max()) / 28, 13, 16);
    }

    [Fact]
    public void Rgb_and_rgba_are_grayscaled()
    {
        var digit = Digit();
        var rgb = digit.SelectMany(p => new[] { p, p, p }).ToArray();
        var rgbaOpaque = digit.SelectMany(p => new[] { p, p, p, (byte)255 }).ToArray();
        // Black ink on a transparent background (alpha = ink): composited over white it is dark-on-light, then inverted.
        var rgbaInk = digit.SelectMany(p => new byte[] { 0, 0, 0, p }).ToArray();

        var fromRgb = _preprocessor.Preprocess(Raw("UINT8", [1, 28, 28, 3], rgb), 8, PreprocessSteps.Invert);
        var fromOpaque = _preprocessor.Preprocess(Raw("UINT8", [1, 28, 28, 4], rgbaOpaque), 8, PreprocessSteps.Invert);
        var fromInk = _preprocessor.Preprocess(Raw("UINT8", [1, 28, 28, 4], rgbaInk), 8, PreprocessSteps.Invert);

        AssertClose(digit, fromRgb.Input!.Values.ToArray(), 1e-4f);
        AssertClose(digit, fromOpaque.Input!.Values.ToArray(), 1e-4f);
        AssertClose(digit, fromInk.Input!.Values.ToArray(), 1e-4f);
        Assert.Equal(1, fromInk.Inverted);
    }

    [Fact]
    public void Typed_uint_and_bytes_contents_work_like_raw()
    {
        var digit = Digit();
        var uints = new ImageTensor { Datatype = "UINT8", Shape = [1, 28, 28], UintContents = digit.Select(p => (uint)p).ToArray() };
        var bytes = new ImageTensor { Datatype = "UINT8", Shape = [1, 28, 28], BytesContents = [digit.AsMemory(0, 300), digit.AsMemory(300)] };
        var raw = _preprocessor.Preprocess(Raw("UINT8", [1, 28, 28], digit), 8).Input!.Values.ToArray();

        Assert.Equal(raw, _preprocessor.Preprocess(uints, 8).Input!.Values.ToArray());
        Assert.Equal(raw, _preprocessor.Preprocess(bytes, 8).Input!.Values.ToArray());
    }

    [Theory]
    [InlineData("FP64", new long[] { 1, 1, 28, 28 }, 8 * 784, "datatype FP64 is not accepted")]
    [InlineData("FP32", new long[] { 1, 28, 28 }, 4 * 784, "an FP32 input must have shape [N,1,28,28]")]
    [InlineData("UINT8", new long[] { 1, 28, 28, 2 }, 2 * 784, "2 channels are not accepted")]
    [InlineData("UINT8", new long[] { 1, 4, 4 }, 16, "image size 4×4 is out of range")]
    [InlineData("UINT8", new long[] { 1, 28, 28 }, 100, "raw contents hold 100 bytes, the shape needs 784")]
    [InlineData("UINT8", new long[] { 9, 28, 28 }, 9 * 784, "batch size 9 is out of range")]
    [InlineData("UINT8", new long[] { 784 }, 784, "must have shape [N,H,W] or [N,H,W,C]")]
    public void Bad_inputs_say_what_is_accepted(string datatype, long[] shape, int bytes, string problem)
    {
        var result = _preprocessor.Preprocess(Raw(datatype, shape, new byte[bytes]), maxBatchSize: 8);

        Assert.Null(result.Input);
        Assert.Contains(problem, result.Error, StringComparison.Ordinal);
        Assert.Contains("accepted: FP32 [N,1,28,28] with values pixel/255 in [0, 1], or UINT8 images [N,H,W] or [N,H,W,C] with C = 1, 3 or 4", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3e38f, "value 3E+38 at flat index 5 is outside [0, 1]")]
    [InlineData(float.NaN, "value NaN at flat index 5 is outside [0, 1]")]
    [InlineData(float.PositiveInfinity, "value Infinity at flat index 5 is outside [0, 1]")]
    [InlineData(255f, "value 255 at flat index 5 is outside [0, 1]")]
    [InlineData(-0.5f, "value -0.5 at flat index 5 is outside [0, 1]")]
    public void Fp32_values_outside_pixel_over_255_are_rejected_before_any_worker_sees_them(float value, string problem)
    {
        var values = new float[784];
        values[5] = value;
        var raw = _preprocessor.Preprocess(Raw("FP32", [1, 1, 28, 28], System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray()), 8);
        var typed = _preprocessor.Preprocess(new ImageTensor { Datatype = "FP32", Shape = [1, 1, 28, 28], Fp32Contents = values }, 8);

        Assert.All(new[] { raw, typed }, result =>
        {
            Assert.Null(result.Input);
            Assert.Contains(problem, result.Error, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(783)]
    [InlineData(784 + 9)]
    [InlineData(2 * 784 - 1)]
    public void An_fp32_value_out_of_range_is_found_wherever_it_is_in_the_batch(int index)
    {
        var values = new float[2 * 784];
        Array.Fill(values, 0.5f);
        values[index] = float.NaN;

        var result = _preprocessor.Preprocess(Raw("FP32", [2, 1, 28, 28], System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray()), 8);

        Assert.Null(result.Input);
        Assert.Contains($"value NaN at flat index {index} is outside [0, 1]", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fp32_values_at_the_ends_of_the_range_pass()
    {
        var values = new float[784];
        values[0] = 1f;

        Assert.Equal(values, _preprocessor.Preprocess(new ImageTensor { Datatype = "FP32", Shape = [1, 1, 28, 28], Fp32Contents = values }, 8).Input!.Values.ToArray());
    }

    /// <summary>A light "7"-like digit on black, away from the border.</summary>
    internal static byte[] Digit()
    {
        var image = new byte[28 * 28];
        for (int x = 7; x < 21; x++)
        {
            image[6 * 28 + x] = 255;
            image[7 * 28 + x] = 200;
        }

        for (int y = 8; y < 22; y++)
        {
            int x = 20 - (y - 8) / 2;
            image[y * 28 + x] = 255;
            image[y * 28 + x - 1] = 128;
        }

        return image;
    }

    internal static ImageTensor Raw(string datatype, long[] shape, byte[] bytes) => new() { Datatype = datatype, Shape = shape, Raw = bytes };

    private static void AssertClose(byte[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] / 255f - actual[i]) <= tolerance, $"pixel {i}: expected {expected[i] / 255f}, got {actual[i]}");
        }
    }
}
