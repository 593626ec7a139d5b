namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>The model input, or what was wrong with the tensor (for an INVALID_ARGUMENT status).</summary>
public sealed record PreprocessResult
{
    public ModelInput? Input { get; init; }

    public string? Error { get; init; }

    /// <summary>How many images were inverted (dark-on-light detected); for logs and tests.</summary>
    public int Inverted { get; init; }

    public static PreprocessResult Ok(ModelInput input, int inverted) => new() { Input = input, Inverted = inverted };

    public static PreprocessResult Invalid(string error) => new() { Error = error };
}
