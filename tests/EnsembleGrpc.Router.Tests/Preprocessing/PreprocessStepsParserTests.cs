using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Tests.Preprocessing;

public sealed class PreprocessStepsParserTests
{
    [Theory]
    [InlineData(null, PreprocessSteps.All)]
    [InlineData("", PreprocessSteps.All)]
    [InlineData("none", PreprocessSteps.All)]
    [InlineData("all", PreprocessSteps.None)]
    [InlineData("ALL", PreprocessSteps.None)]
    [InlineData("center", PreprocessSteps.Invert | PreprocessSteps.Contrast | PreprocessSteps.Denoise | PreprocessSteps.Box)]
    [InlineData("box, center", PreprocessSteps.Invert | PreprocessSteps.Contrast | PreprocessSteps.Denoise)]
    [InlineData("invert,contrast,denoise,box,center", PreprocessSteps.None)]
    public void Names_the_steps_to_skip(string? value, PreprocessSteps expected)
    {
        Assert.Equal(expected, PreprocessStepsParser.Parse(value, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("blur", "unknown step 'blur'")]
    [InlineData("box,", "unknown step ''")]
    [InlineData("centre", "unknown step 'centre'")]
    public void A_bad_value_names_what_is_accepted(string value, string problem)
    {
        Assert.Null(PreprocessStepsParser.Parse(value, out string? error));
        Assert.Contains($"parameter preprocess_skip '{value}': {problem}", error, StringComparison.Ordinal);
        Assert.Contains("accepted: a comma-separated list of invert, contrast, denoise, box, center, or 'all', or 'none'", error, StringComparison.Ordinal);
    }
}
