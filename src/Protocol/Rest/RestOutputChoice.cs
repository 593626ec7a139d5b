namespace EnsembleGrpc.Protocol.Rest;

/// <summary>
/// Which outputs a REST request wants as binary data (the binary tensor data extension): every output when the
/// request's <c>binary_data_output</c> parameter is true, else those whose <c>binary_data</c> parameter is true.
/// </summary>
public sealed record RestOutputChoice(bool AllBinary, IReadOnlySet<string> BinaryOutputs)
{
    public static readonly RestOutputChoice Json = new(false, new HashSet<string>());

    public bool AnyBinary => AllBinary || BinaryOutputs.Count > 0;

    public bool IsBinary(string output) => AllBinary || BinaryOutputs.Contains(output);
}
