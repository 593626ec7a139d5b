namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>Reads the per-request parameter that turns normalisation steps off.</summary>
public static class PreprocessStepsParser
{
    /// <summary>The request parameter (string): a comma-separated list of steps to skip, or <c>all</c> / <c>none</c>.</summary>
    public const string ParameterName = "preprocess_skip";

    private static readonly (string Name, PreprocessSteps Step)[] Names =
    [
        ("invert", PreprocessSteps.Invert),
        ("contrast", PreprocessSteps.Contrast),
        ("denoise", PreprocessSteps.Denoise),
        ("box", PreprocessSteps.Box),
        ("center", PreprocessSteps.Center),
    ];

    /// <summary>What the parameter accepts, for error messages and documentation.</summary>
    public static string Accepted { get; } =
        $"a comma-separated list of {string.Join(", ", Names.Select(n => n.Name))}, or 'all', or 'none' (the default)";

    /// <summary>The steps to run: every step unless the value names it; null with an error for a bad value.</summary>
    public static PreprocessSteps? Parse(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return PreprocessSteps.All;
        }

        var steps = PreprocessSteps.All;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var skipped = Lookup(part);
            if (skipped is null)
            {
                error = $"parameter {ParameterName} '{value}': unknown step '{part}'; accepted: {Accepted}.";
                return null;
            }

            steps &= ~skipped.Value;
        }

        return steps;
    }

    private static PreprocessSteps? Lookup(string name)
    {
        if (name.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return PreprocessSteps.All;
        }

        if (name.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return PreprocessSteps.None;
        }

        foreach (var (known, step) in Names)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return step;
            }
        }

        return null;
    }
}
