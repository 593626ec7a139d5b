using System.Runtime.InteropServices;
using EnsembleGrpc.Router.Preprocessing;
using static EnsembleGrpc.Router.Tests.Preprocessing.SyntheticDigits;

namespace EnsembleGrpc.Router.Tests.Preprocessing;

/// <summary>What a client sees of the MNIST-style normalisation of UINT8 images: where the ink lands, how big, how bright.</summary>
public sealed class DigitNormalizationTests
{
    private readonly ImagePreprocessor _preprocessor = new();

    private float[] Normalize(byte[] image, int height, int width, PreprocessSteps steps = PreprocessSteps.All) =>
        _preprocessor.Preprocess(ImagePreprocessorTests.Raw("UINT8", [1, height, width], image), 8, steps).Input!.Values.ToArray();

    [Fact]
    public void An_off_centre_digit_lands_with_its_centre_of_mass_at_the_centre()
    {
        var image = Draw(120, 80, Seven, stroke: 6, ink: 255, paper: 0, left: 2, top: 4, size: 50);

        var (y, x) = CentreOfMass(Normalize(image, 120, 80));

        Assert.InRange(y, 13.5, 14.5);
        Assert.InRange(x, 13.5, 14.5);
    }

    [Fact]
    public void The_ink_box_is_scaled_to_fit_20x20_keeping_its_aspect_ratio()
    {
        // A bar 60 tall and 15 wide: 20 × 5 after scaling.
        var image = new byte[100 * 100];
        for (int y = 20; y < 80; y++)
        {
            image.AsSpan(y * 100 + 40, 15).Fill(255);
        }

        var tall = Normalize(image, 100, 100);
        var (height, width) = InkSize(tall);

        Assert.Equal((20, 5), (height, width));
        Assert.Equal(20, InkSize(Normalize(Draw(90, 90, Seven, 8, 255, 0), 90, 90)).Height);
    }

    [Fact]
    public void A_small_digit_is_scaled_up_to_the_box()
    {
        var image = Draw(64, 64, Seven, stroke: 2, ink: 255, paper: 0, left: 20, top: 20, size: 16);

        var (height, width) = InkSize(Normalize(image, 64, 64));

        Assert.Equal(20, Math.Max(height, width));
    }

    [Fact]
    public void Dark_ink_on_light_paper_is_inverted_to_the_same_input_as_light_on_dark()
    {
        var light = Draw(64, 64, Seven, 5, ink: 255, paper: 0);
        var paper = Draw(64, 64, Seven, 5, ink: 30, paper: 230);

        var result = _preprocessor.Preprocess(ImagePreprocessorTests.Raw("UINT8", [1, 64, 64], paper), 8);

        Assert.Equal(1, result.Inverted);
        Assert.Equal(0f, result.Input!.Values.ToArray()[0]);
        Assert.True(MaxDifference(Normalize(light, 64, 64), result.Input.Values.ToArray()) < 1e-4f);
    }

    [Theory]
    [InlineData(140, 120)] // faint ink on a dark gray
    [InlineData(90, 110)]  // dark-on-gray, low contrast
    [InlineData(40, 0)]    // very faint ink on black
    public void Low_contrast_ink_is_stretched_to_full_strength(byte ink, byte paper)
    {
        var clean = Normalize(Draw(56, 56, Seven, 4, 255, 0), 56, 56);

        var faint = Normalize(Draw(56, 56, Seven, 4, ink, paper), 56, 56);

        Assert.Equal(1f, faint.Max());
        Assert.True(MaxDifference(clean, faint) < 1e-4f);
    }

    [Fact]
    public void Specks_away_from_the_digit_change_nothing()
    {
        var clean = Draw(80, 80, Seven, 6, 255, 0, left: 10, top: 10, size: 60);
        var specked = (byte[])clean.Clone();
        foreach (int at in new[] { 2 * 80 + 2, 3 * 80 + 75, 76 * 80 + 4, 77 * 80 + 77, 40 * 80 + 1 })
        {
            specked[at] = specked[at + 1] = specked[at + 80] = 255;
        }

        Assert.True(MaxDifference(Normalize(clean, 80, 80), Normalize(specked, 80, 80)) < 1e-6f);
    }

    [Fact]
    public void Noisy_paper_is_cleared_around_the_digit()
    {
        var image = Draw(64, 64, Seven, 6, ink: 40, paper: 220, left: 6, top: 6, size: 52);
        var random = new Random(9);
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (byte)Math.Clamp(image[i] + (random.NextDouble() - 0.5) * 60, 0, 255);
        }

        var noisy = Normalize(image, 64, 64);

        var clean = Normalize(Draw(64, 64, Seven, 6, 255, 0, left: 6, top: 6, size: 52), 64, 64);
        Assert.Equal(0f, noisy[0]);
        Assert.Equal(InkSize(clean), InkSize(noisy, floor: 0.3f));
        var (y, x) = CentreOfMass(noisy);
        Assert.InRange(y, 13, 15);
        Assert.InRange(x, 13, 15);
    }

    [Theory]
    [InlineData(1.5)] // a thin pen on a large canvas: shrunk tenfold it would be faint
    [InlineData(30)] // a marker
    public void Thin_and_thick_strokes_reach_full_ink(double stroke)
    {
        var data = Normalize(Draw(280, 280, Seven, stroke, 255, 0), 280, 280);

        Assert.Equal(1f, data.Max());
        Assert.Equal(20, InkSize(data).Height);
    }

    [Fact]
    public void A_blank_page_gives_a_blank_input()
    {
        var page = Enumerable.Repeat((byte)250, 40 * 40).ToArray();

        Assert.All(Normalize(page, 40, 40), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Fp32_input_is_passed_as_sent_whatever_the_steps()
    {
        // Off-centre and faint: the normalisation would move and brighten it; FP32 is the client's own tensor.
        var values = Draw(28, 28, Seven, 2, 60, 0, left: 0, top: 0, size: 14).Select(p => p / 255f).ToArray();
        var raw = ImagePreprocessorTests.Raw("FP32", [1, 1, 28, 28], MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

        Assert.Equal(values, _preprocessor.Preprocess(raw, 8, PreprocessSteps.All).Input!.Values.ToArray());
    }

    [Fact]
    public void Skipping_the_centre_step_centres_the_box_instead()
    {
        // A "7" has more ink at the top: by mass it sits lower than by its box.
        var image = Draw(64, 64, Seven, 4, 255, 0);

        var byMass = CentreOfMass(Normalize(image, 64, 64));
        var byBox = CentreOfMass(Normalize(image, 64, 64, PreprocessSteps.All & ~PreprocessSteps.Center));

        Assert.InRange(byMass.Y, 13.5, 14.5);
        Assert.True(byBox.Y < byMass.Y - 0.5, $"box-centred {byBox.Y}, mass-centred {byMass.Y}");
    }

    [Fact]
    public void Skipping_the_box_step_keeps_the_digit_size()
    {
        var image = Draw(28, 28, Seven, 2, 255, 0, left: 7, top: 7, size: 14);

        var data = Normalize(image, 28, 28, PreprocessSteps.All & ~PreprocessSteps.Box);

        Assert.True(InkSize(data).Height <= 12);
    }

    [Fact]
    public void A_warm_preprocessor_allocates_little_more_than_the_output()
    {
        var tensor = ImagePreprocessorTests.Raw("UINT8", [4, 96, 96], [.. Enumerable.Range(0, 4).SelectMany(_ => Draw(96, 96, Seven, 5, 20, 230))]);
        _preprocessor.Preprocess(tensor, 8);
        _preprocessor.Preprocess(tensor, 8);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = _preprocessor.Preprocess(tensor, 8);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The output tensor is 4 × 784 floats (12.5 KB); the rest is a few small objects, no image-sized buffers.
        Assert.Equal(4, result.Inverted);
        Assert.InRange(allocated, 4 * 784 * sizeof(float), 4 * 784 * sizeof(float) + 2048);
    }

    [Fact]
    public void Skipping_inversion_leaves_dark_on_light_as_sent()
    {
        var paper = Draw(28, 28, Seven, 3, ink: 0, paper: 255);

        var result = _preprocessor.Preprocess(ImagePreprocessorTests.Raw("UINT8", [1, 28, 28], paper), 8, PreprocessSteps.None);

        Assert.Equal(0, result.Inverted);
        Assert.Equal(1f, result.Input!.Values.ToArray()[0]);
    }
}
