namespace EnsembleGrpc.LoadGen.Preflight;

/// <summary>
/// The outcome of the check before a run: the input and output names to send, or a one-line <see cref="Error"/>
/// (the run must not start). <see cref="Note"/> says what was assumed when the server could not tell.
/// </summary>
public sealed record ModelCheckResult
{
    public string? Error { get; init; }

    public string? Note { get; init; }

    public string InputName { get; init; } = ModelCheck.DefaultInputName;

    public string? OutputName { get; init; }

    public bool Ok => Error is null;

    public static ModelCheckResult Failed(string error) => new() { Error = error };
}
